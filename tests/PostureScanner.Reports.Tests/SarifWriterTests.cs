using System.Text.Json.Nodes;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Testing;

namespace PostureScanner.Reports.Tests;

public class SarifWriterTests
{
    [Theory]
    [InlineData("MultiCloud", false)]
    [InlineData("MultiCloudWithPasses", true)]
    public async Task WriteAsync_Scenario_MatchesGoldenFile(string scenario, bool includePasses)
    {
        var sarif = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses));

        ReportOutput.AssertGolden(scenario, "expected.sarif", sarif);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteAsync_Scenario_ValidatesAgainstSarif210Schema(bool includePasses)
    {
        var schema = await JsonSchemaAssert.LoadAsync(JsonSchemaAssert.SarifSchemaPath);

        var sarif = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses));

        JsonSchemaAssert.Valid(schema, sarif, "SARIF log");
    }

    /// <summary>The schema copy is draft-04: prove that the validator enforces it rather than accepting anything.</summary>
    [Theory]
    [InlineData("driver-name")]
    [InlineData("level")]
    [InlineData("kind")]
    [InlineData("region")]
    [InlineData("version")]
    public async Task Schema_BrokenLog_IsRejected(string breakage)
    {
        var schema = await JsonSchemaAssert.LoadAsync(JsonSchemaAssert.SarifSchemaPath);
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));
        var run = doc["runs"]![0]!;
        switch (breakage)
        {
            case "driver-name": run["tool"]!["driver"]!.AsObject().Remove("name"); break;
            case "level": run["results"]![0]!["level"] = "critical"; break;
            case "kind": run["results"]![0]!["kind"] = "unknown"; break;
            case "region": run["results"]![0]!["locations"]![0]!["physicalLocation"]!["region"]!["startLine"] = 0; break;
            default: doc["version"] = "2.0.0"; break;
        }

        var errors = JsonSchemaAssert.Validate(schema, doc.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task WriteAsync_Results_RuleIndexPointsAtTheRuleWithThatId()
    {
        var run = await RunAsync(includePasses: true);
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray();

        var results = run["results"]!.AsArray();
        Assert.NotEmpty(results);
        foreach (var result in results)
        {
            Assert.Equal((string)result!["ruleId"]!, (string)rules[(int)result["ruleIndex"]!]!["id"]!);
        }

        foreach (var notification in run["invocations"]![0]!["toolExecutionNotifications"]!.AsArray())
        {
            if (notification!["associatedRule"] is { } rule)
            {
                Assert.Equal((string)rule["id"]!, (string)rules[(int)rule["index"]!]!["id"]!);
            }

            var descriptor = notification["descriptor"]!;
            Assert.Equal((string)descriptor["id"]!, (string)run["tool"]!["driver"]!["notifications"]![(int)descriptor["index"]!]!["id"]!);
        }
    }

    [Fact]
    public async Task WriteAsync_Rules_OnePerEvaluatedControlOrderedById()
    {
        var run = await RunAsync(includePasses: false);

        var ids = run["tool"]!["driver"]!["rules"]!.AsArray().Select(r => (string)r!["id"]!).ToArray();

        Assert.Equal(["audit-trail-enabled", "firewall-no-public-ssh", "object-storage-encrypted-at-rest", "object-storage-versioning-enabled"], ids);
    }

    [Fact]
    public async Task WriteAsync_Rule_CarriesNistTagsInDisplayFormAndSecuritySeverity()
    {
        var run = await RunAsync(includePasses: false);

        var rule = Rule(run, "firewall-no-public-ssh");
        var tags = rule["properties"]!["tags"]!.AsArray().Select(t => (string)t!).ToArray();
        Assert.Contains("security", tags);
        Assert.Contains("SC-7(4)", tags);
        Assert.Contains("AC-3", tags);
        Assert.DoesNotContain("sc-7.4", tags);
        Assert.Equal(["SC-7", "SC-7(4)", "AC-3"], rule["properties"]!["nist-800-53-r5"]!.AsArray().Select(t => (string)t!).ToArray());
        Assert.Equal("9.5", (string)rule["properties"]!["security-severity"]!);
        Assert.Equal("error", (string)rule["defaultConfiguration"]!["level"]!);
        Assert.Equal("FirewallNoPublicSsh", (string)rule["name"]!);
        Assert.Equal("Firewalls do not open SSH to the internet.", (string)rule["shortDescription"]!["text"]!);
        Assert.Contains("## Remediation", (string)rule["help"]!["markdown"]!, StringComparison.Ordinal);
        Assert.Contains("Restrict port 22", (string)rule["help"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_ControlWithAliases_ListsThemAsDeprecatedIds()
    {
        var run = await RunAsync(includePasses: false);

        Assert.Equal(["s3-bucket-encryption"], Rule(run, "object-storage-encrypted-at-rest")["deprecatedIds"]!.AsArray().Select(t => (string)t!).ToArray());
        Assert.Null(Rule(run, "audit-trail-enabled")["deprecatedIds"]);
    }

    [Theory]
    [InlineData(Severity.Critical, "error", "9.5")]
    [InlineData(Severity.High, "error", "8.0")]
    [InlineData(Severity.Medium, "warning", "5.5")]
    [InlineData(Severity.Low, "note", "3.0")]
    [InlineData(Severity.Info, "note", "0.0")]
    public void Level_Severity_MapsToSarifLevelAndGitHubScore(Severity severity, string level, string score)
    {
        Assert.Equal(level, SarifWriter.Level(severity));
        Assert.Equal(score, SarifWriter.SecuritySeverity(severity));
    }

    [Fact]
    public async Task WriteAsync_EachStatus_GetsItsKindAndLevel()
    {
        var run = await RunAsync(includePasses: true);

        var byKey = run["results"]!.AsArray().ToDictionary(
            r => $"{r!["ruleId"]}@{r["properties"]!["resourceName"]}",
            r => ((string)r!["kind"]!, (string)r["level"]!));
        Assert.Equal(("fail", "error"), byKey["firewall-no-public-ssh@bastion-sg"]);
        Assert.Equal(("fail", "error"), byKey["object-storage-encrypted-at-rest@logs-prod"]);
        Assert.Equal(("fail", "warning"), byKey["audit-trail-enabled@main-trail"]);
        Assert.Equal(("fail", "note"), byKey["object-storage-versioning-enabled@StProd01"]);
        Assert.Equal(("review", "none"), byKey["object-storage-encrypted-at-rest@acme-prod-exports"]);
        Assert.Equal(("pass", "none"), byKey["firewall-no-public-ssh@allow-ssh-internal"]);
        Assert.DoesNotContain("audit-trail-enabled@_Required", byKey.Keys);
    }

    [Fact]
    public async Task WriteAsync_PassesNotIncluded_NoPassResults()
    {
        var run = await RunAsync(includePasses: false);

        var kinds = run["results"]!.AsArray().Select(r => (string)r!["kind"]!).ToArray();
        Assert.Equal(6, kinds.Length);
        Assert.DoesNotContain("pass", kinds);
        Assert.Equal(5, (int)run["properties"]!["scan"]!["evaluations"]!["pass"]!);
    }

    [Fact]
    public async Task WriteAsync_EvaluationError_IsAnErrorNotificationNamingRuleAndResource()
    {
        var run = await RunAsync(includePasses: false);

        var notifications = run["invocations"]![0]!["toolExecutionNotifications"]!.AsArray();
        var evaluation = notifications.Single(n => n!["associatedRule"] is not null)!;
        Assert.Equal("error", (string)evaluation["level"]!);
        Assert.Equal("audit-trail-enabled", (string)evaluation["associatedRule"]!["id"]!);
        Assert.Equal("//logging.googleapis.com/projects/acme-prod/sinks/_Required",
            (string)evaluation["locations"]![0]!["logicalLocations"]![0]!["fullyQualifiedName"]!);
        Assert.Contains("RegexMatchTimeoutException", (string)evaluation["message"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_InputFailed_ExecutionNotSuccessfulWithNotification()
    {
        var run = await RunAsync(includePasses: false);

        var invocation = run["invocations"]![0]!;
        Assert.False((bool)invocation["executionSuccessful"]!);
        Assert.Contains(invocation["toolExecutionNotifications"]!.AsArray(),
            n => ((string)n!["message"]!["text"]!).Contains("inventory/truncated.json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_AllInputsRead_ExecutionSuccessfulDespiteEvaluationErrors()
    {
        var report = ReportScenarios.MultiCloud(includePasses: false);
        report = report with { Summary = report.Summary with { Inputs = [.. report.Summary.Inputs.Where(i => i.Error is null)] } };

        var run = (await ReportOutput.RenderJsonAsync(CreateSut(), report))["runs"]![0]!;

        Assert.True((bool)run["invocations"]![0]!["executionSuccessful"]!);
        Assert.Single(run["invocations"]![0]!["toolExecutionNotifications"]!.AsArray());
    }

    [Fact]
    public async Task WriteAsync_Result_CarriesFingerprintLocationsAndProperties()
    {
        var run = await RunAsync(includePasses: false);

        var result = run["results"]!.AsArray().Single(r => (string)r!["properties"]!["provider"]! == "azure")!;
        var id = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/RG-Prod/providers/Microsoft.Storage/storageAccounts/StProd01";
        Assert.Equal(Fingerprints.Compute("object-storage-versioning-enabled", Provider.Azure, id.ToLowerInvariant()),
            (string)result["partialFingerprints"]![SarifWriter.FingerprintKey]!);
        var location = result["locations"]![0]!;
        Assert.Equal("azure/0b1f6471-1bf0-4dda-aec3-cb9272f09590/westeurope/object_storage.bucket/StProd01",
            (string)location["physicalLocation"]!["artifactLocation"]!["uri"]!);
        Assert.Equal("%SRCROOT%", (string)location["physicalLocation"]!["artifactLocation"]!["uriBaseId"]!);
        Assert.Equal(1, (int)location["physicalLocation"]!["region"]!["startLine"]!);
        Assert.Equal(id, (string)location["logicalLocations"]![0]!["fullyQualifiedName"]!);
        Assert.Equal("resource", (string)location["logicalLocations"]![0]!["kind"]!);
        Assert.Equal("""{"versioning.enabled":false}""", result["properties"]!["evidence"]!.ToJsonString());
        Assert.Equal(["CP-9", "CP-10"], result["properties"]!["nist"]!.AsArray().Select(n => (string)n!).ToArray());
        Assert.Equal("Microsoft.Storage/storageAccounts", (string)result["properties"]!["nativeType"]!);
    }

    [Fact]
    public async Task WriteAsync_FailingResult_MessageNamesResourceAndObservation()
    {
        var run = await RunAsync(includePasses: false);

        var result = run["results"]!.AsArray().Single(r => (string)r!["ruleId"]! == "object-storage-encrypted-at-rest" && (string)r["kind"]! == "fail")!;

        Assert.Equal("object_storage.bucket 'logs-prod' (aws 123456789012/us-east-1) fails \"Object storage encrypts data at rest\": encryption.at_rest.enabled is false.",
            (string)result["message"]!["text"]!);
    }

    [Fact]
    public async Task WriteAsync_UnknownResult_MessageNamesTheMissingAttribute()
    {
        var run = await RunAsync(includePasses: false);

        var result = run["results"]!.AsArray().Single(r => (string)r!["ruleId"]! == "object-storage-versioning-enabled" && (string)r["kind"]! == "review")!;

        Assert.EndsWith("could not be evaluated against \"Object storage keeps previous versions\": versioning.enabled: missing.",
            (string)result["message"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Driver_NamesToolVersionAndInformationUri()
    {
        var run = await RunAsync(includePasses: false);

        var driver = run["tool"]!["driver"]!;
        Assert.Equal("PostureScanner", (string)driver["name"]!);
        Assert.Equal("0.9.0-test", (string)driver["semanticVersion"]!);
        Assert.Equal(SarifWriterOptions.DefaultInformationUri.AbsoluteUri, (string)driver["informationUri"]!);
    }

    [Fact]
    public async Task WriteAsync_VersionNotSemVer_OmitsSemanticVersion()
    {
        var report = ReportScenarios.MultiCloud(includePasses: false) with { ToolVersion = "dev" };

        var driver = (await ReportOutput.RenderJsonAsync(CreateSut(), report))["runs"]![0]!["tool"]!["driver"]!;

        Assert.Equal("dev", (string)driver["version"]!);
        Assert.Null(driver["semanticVersion"]);
    }

    [Fact]
    public async Task WriteAsync_SameReportTwice_WritesTheSameBytes()
    {
        var first = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: true));
        var second = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: true));

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("my bucket", "my%20bucket")]
    [InlineData("a/b#c?d", "a%2Fb%23c%3Fd")]
    [InlineData("..", "%2E%2E")]
    [InlineData("", "_")]
    public void ArtifactUri_NameNeedsEscaping_EscapesOneSegment(string name, string segment)
    {
        var resource = TestResources.Create(Provider.Gcp, "", "global", "network.firewall", "compute.googleapis.com/Firewall", "//x/" + name, name, "{}");

        var uri = SarifWriter.ArtifactUri(resource);

        Assert.Equal($"gcp/_/global/network.firewall/{(name.Length == 0 ? "%2F%2Fx%2F" : segment)}", uri);
    }

    [Theory]
    [InlineData("object-storage-encrypted-at-rest", "ObjectStorageEncryptedAtRest")]
    [InlineData("iam_root_mfa", "IamRootMfa")]
    public void RuleName_ControlId_IsPascalCase(string id, string name) => Assert.Equal(name, SarifWriter.RuleName(id));

    private static async Task<JsonNode> RunAsync(bool includePasses) =>
        (await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses)))["runs"]![0]!;

    private static JsonNode Rule(JsonNode run, string id) =>
        run["tool"]!["driver"]!["rules"]!.AsArray().Single(r => (string)r!["id"]! == id)!;

    private static SarifWriter CreateSut() => new(NistCatalog.Embedded);
}

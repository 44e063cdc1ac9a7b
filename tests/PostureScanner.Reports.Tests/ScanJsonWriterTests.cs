using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Testing;

namespace PostureScanner.Reports.Tests;

public class ScanJsonWriterTests
{
    private static readonly string SchemaPath = RepoPaths.Combine("docs", "schemas", "scan-result.v1.json");

    [Theory]
    [InlineData("MultiCloud", false)]
    [InlineData("MultiCloudWithPasses", true)]
    public async Task WriteAsync_Scenario_MatchesGoldenFile(string scenario, bool includePasses)
    {
        var json = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses));

        ReportOutput.AssertGolden(scenario, "expected.json", json);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteAsync_Scenario_ValidatesAgainstCommittedSchema(bool includePasses)
    {
        var schema = await JsonSchemaAssert.LoadAsync(SchemaPath);

        var json = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses));

        JsonSchemaAssert.Valid(schema, json, "posture scan --format json output");
    }

    [Theory]
    [InlineData("status", "FAIL")]
    [InlineData("nist", "sc-28")]
    [InlineData("fingerprint", "ABC")]
    [InlineData("extra", "field")]
    public async Task Schema_ResultWithWrongField_IsRejected(string field, string value)
    {
        var schema = await JsonSchemaAssert.LoadAsync(SchemaPath);
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));
        doc["results"]![0]![field] = field == "nist" ? new JsonArray(value) : value;

        var errors = JsonSchemaAssert.Validate(schema, doc.ToJsonString());

        Assert.NotEmpty(errors);
    }

    [Fact]
    public async Task WriteAsync_PassesNotIncluded_OmitsPassesButCountsThem()
    {
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        var statuses = doc["results"]!.AsArray().Select(r => (string)r!["status"]!).ToArray();
        Assert.DoesNotContain("pass", statuses);
        Assert.Equal(7, statuses.Length);
        Assert.Equal(5, (int)doc["scan"]!["evaluations"]!["pass"]!);
        Assert.Equal(4, (int)doc["scan"]!["evaluations"]!["fail"]!);
    }

    [Fact]
    public async Task WriteAsync_PassesIncluded_ListsEveryEvaluation()
    {
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: true));

        var statuses = doc["results"]!.AsArray().Select(r => (string)r!["status"]!).ToArray();
        Assert.Equal(12, statuses.Length);
        Assert.Equal(5, statuses.Count(s => s == "pass"));
    }

    [Fact]
    public async Task WriteAsync_ShuffledEvaluations_SortsByProviderAccountNativeIdControlId()
    {
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: true));

        var keys = doc["results"]!.AsArray()
            .Select(r => $"{r!["provider"]}|{r["account"]}|{r["resourceId"]}|{r["controlId"]}")
            .ToArray();
        Assert.Equal(keys.Order(StringComparer.Ordinal).ToArray(), keys);
        Assert.StartsWith("aws|123456789012|arn:aws:cloudtrail:", keys[0], StringComparison.Ordinal);
        Assert.StartsWith("gcp|", keys[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Result_NistIdsInDisplayForm()
    {
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        var ssh = doc["results"]!.AsArray().Single(r => (string)r!["controlId"]! == "firewall-no-public-ssh");
        Assert.Equal(["SC-7", "SC-7(4)", "AC-3"], ssh!["nist"]!.AsArray().Select(n => (string)n!).ToArray());
    }

    [Fact]
    public async Task WriteAsync_AzureResource_FingerprintHashesLowercasedId()
    {
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        var azure = doc["results"]!.AsArray().Single(r => (string)r!["provider"]! == "azure");
        var id = (string)azure!["resourceId"]!;
        Assert.Contains("RG-Prod", id, StringComparison.Ordinal);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"object-storage-versioning-enabled|azure|{id.ToLowerInvariant()}")));
        Assert.Equal(expected, (string)azure["fingerprint"]!);
    }

    [Fact]
    public async Task WriteAsync_FailingQuantifier_EvidenceHoldsTheMatchingElements()
    {
        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        var ssh = doc["results"]!.AsArray().Single(r => (string)r!["controlId"]! == "firewall-no-public-ssh");
        Assert.Equal("""{"ingress":[{"source":"0.0.0.0/0","ports":[{"from":22,"to":22}]}]}""", ssh!["evidence"]!.ToJsonString());
        Assert.Null(ssh["message"]);
    }

    [Fact]
    public async Task WriteAsync_EvidenceOfEveryTokenKind_WritesTheSameJson()
    {
        var evidence = new Dictionary<string, JToken?>(StringComparer.Ordinal)
        {
            ["absent"] = null,
            ["int"] = new JValue(42L),
            ["big"] = JToken.Parse("123456789012345678901234567890"),
            ["float"] = JToken.Parse("0.1"),
            ["decimal"] = new JValue(12.50m),
            ["text"] = "naïve \"quoted\" <b>&",
            ["date"] = JToken.Parse("\"2025-05-30T08:15:00Z\""),
            ["list"] = JToken.Parse("""[1, "two", null, {"three": true}]"""),
            ["nan"] = new JValue(double.NaN),
        };
        var report = SingleResult(evidence);

        var doc = await ReportOutput.RenderJsonAsync(CreateSut(), report);

        Assert.Equal(
            """{"absent":null,"int":42,"big":123456789012345678901234567890,"float":0.1,"decimal":12.50,"text":"naïve \"quoted\" <b>&","date":"2025-05-30T08:15:00Z","list":[1,"two",null,{"three":true}],"nan":"NaN"}""",
            doc["results"]![0]!["evidence"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task WriteAsync_Output_UsesLfAndEndsWithNewline()
    {
        var json = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        Assert.DoesNotContain('\r', json);
        Assert.EndsWith("}\n", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_NotIndented_WritesOneLine()
    {
        var json = await ReportOutput.RenderAsync(new ScanJsonWriter(NistCatalog.Embedded, indented: false), ReportScenarios.MultiCloud(includePasses: false));

        Assert.DoesNotContain('\n', json);
        Assert.StartsWith("""{"scan":{"resources":8,"evaluations":{"pass":5,"fail":4,"unknown":2,"error":1},"excluded":2,"inputs":[{"path":"inventory/aws-config-snapshot.json","format":"aws-config-snapshot","resources":4,"error":null}""", json, StringComparison.Ordinal);
    }

    internal static ScanReport SingleResult(IReadOnlyDictionary<string, JToken?> evidence)
    {
        var resource = TestResources.AwsBucket("evidence-bucket", "{}");
        var evaluation = new Evaluation
        {
            Control = TestControls.EncryptedAtRest,
            Resource = resource,
            Status = EvaluationStatus.Fail,
            Evidence = evidence,
        };
        return ScanReport.Create([TestControls.EncryptedAtRest], [evaluation], 1, 0, [new SnapshotInput("x.json", "aws-config-snapshot", 1, null)], false, "1.0.0");
    }

    private static ScanJsonWriter CreateSut() => new(NistCatalog.Embedded);
}

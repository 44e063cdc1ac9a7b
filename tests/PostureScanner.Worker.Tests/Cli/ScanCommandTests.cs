using System.Text.Json;
using PostureScanner.Testing;

namespace PostureScanner.Worker.Tests.Cli;

public sealed class ScanCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("posture-scan-");

    /// <summary>Real-record fixtures of one control on the three clouds (AWS Config item, ARM resource, CAI asset).</summary>
    private static string Inputs => RepoPaths.Combine("tests", "PostureScanner.Controls.Tests", "Fixtures", "object-storage-customer-managed-key");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Scan_Json_ValidatesAgainstTheContractSchema()
    {
        var result = await CliRunner.RunAsync("scan", "--snapshot", Inputs, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        var schema = await JsonSchemaAssert.LoadAsync(RepoPaths.Combine("docs", "schemas", "scan-result.v1.json"));
        JsonSchemaAssert.Valid(schema, result.Out, "posture scan --format json");

        using var doc = JsonDocument.Parse(result.Out);
        var scan = doc.RootElement.GetProperty("scan");
        Assert.Equal(7, scan.GetProperty("resources").GetInt64());
        var inputs = scan.GetProperty("inputs").EnumerateArray().ToList();
        Assert.Equal(7, inputs.Count);
        Assert.All(inputs, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("error").ValueKind));

        // Passes are counted but not listed without --include-passes.
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.True(scan.GetProperty("evaluations").GetProperty("pass").GetInt64() > 0);
        Assert.DoesNotContain(results, r => r.GetProperty("status").GetString() == "pass");
        var cmk = results.Where(r => r.GetProperty("controlId").GetString() == "object-storage-customer-managed-key").ToList();
        Assert.Equal(["aws", "azure", "gcp"], cmk.Where(r => r.GetProperty("status").GetString() == "fail").Select(r => r.GetProperty("provider").GetString()));
        Assert.Single(cmk, r => r.GetProperty("status").GetString() == "unknown");

        // Sorted by provider, account, native id, control id.
        var keys = results.Select(r => string.Join("|", r.GetProperty("provider").GetString(), r.GetProperty("account").GetString(), r.GetProperty("resourceId").GetString(), r.GetProperty("controlId").GetString())).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Scan_IncludePasses_ListsThem()
    {
        var result = await CliRunner.RunAsync("scan", "--snapshot", Inputs, "--format", "json", "--include-passes");
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Contains(doc.RootElement.GetProperty("results").EnumerateArray(), r => r.GetProperty("status").GetString() == "pass");
    }

    [Fact]
    public async Task Scan_MalformedFile_ExitsThreeNamingItAndScansTheRest()
    {
        CopyInputs();
        var bad = Path.Combine(_dir.FullName, "broken.json");
        await File.WriteAllTextAsync(bad, "{\"configurationItems\": [ {\"resourceType\": \"AWS::S3::Bucket\", ");
        var result = await CliRunner.RunAsync("scan", "--snapshot", _dir.FullName, "--format", "json");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("broken.json", result.Error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(result.Out);
        var inputs = doc.RootElement.GetProperty("scan").GetProperty("inputs").EnumerateArray().ToList();
        var broken = Assert.Single(inputs, i => i.GetProperty("error").ValueKind != JsonValueKind.Null);
        Assert.EndsWith("broken.json", broken.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.Equal(7, inputs.Count(i => i.GetProperty("error").ValueKind == JsonValueKind.Null));
    }

    [Fact]
    public async Task Scan_FailOn_ExitsOneOnlyAtOrAboveThreshold()
    {
        CopyInputs(only: "azure");
        var policy = Path.Combine(_dir.FullName, "..", _dir.Name + "-policy.yaml");
        await File.WriteAllTextAsync(policy, "controls:\n  ids: [object-storage-customer-managed-key]\n");
        try
        {
            Assert.Equal(1, (await CliRunner.RunAsync("scan", "--snapshot", _dir.FullName, "--policy", policy, "--fail-on", "medium")).ExitCode);
            Assert.Equal(0, (await CliRunner.RunAsync("scan", "--snapshot", _dir.FullName, "--policy", policy, "--fail-on", "high")).ExitCode);
        }
        finally
        {
            File.Delete(policy);
        }
    }

    [Fact]
    public async Task Scan_PolicyExclusion_CountsExcludedAndDropsTheResult()
    {
        var policy = Path.Combine(_dir.FullName, "policy.yaml");
        await File.WriteAllTextAsync(policy, "controls:\n  ids: [object-storage-customer-managed-key]\nexclusions:\n  - { resource: '//storage.googleapis.com/*', reason: logs bucket managed elsewhere }\n");
        var result = await CliRunner.RunAsync("scan", "--snapshot", Inputs, "--policy", policy, "--format", "json");
        using var doc = JsonDocument.Parse(result.Out);
        Assert.Equal(2, doc.RootElement.GetProperty("scan").GetProperty("excluded").GetInt64());
        Assert.DoesNotContain(doc.RootElement.GetProperty("results").EnumerateArray(), r => r.GetProperty("provider").GetString() == "gcp");
    }

    [Fact]
    public async Task Scan_BadUsage_ExitsTwo()
    {
        Assert.Equal(2, (await CliRunner.RunAsync("scan")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("scan", "--snapshot", Inputs, "--format", "pdf")).ExitCode);
        var policy = Path.Combine(_dir.FullName, "bad-policy.yaml");
        await File.WriteAllTextAsync(policy, "overrides:\n  no-such-control: { severity: low }\n");
        var bad = await CliRunner.RunAsync("scan", "--snapshot", Inputs, "--policy", policy);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad-policy.yaml:2:3: overrides.no-such-control", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_Sarif_PassesSchemaAndTheOfficialValidator()
    {
        var output = Path.Combine(_dir.FullName, "scan.sarif");
        var result = await CliRunner.RunAsync("scan", "--snapshot", Inputs, "--format", "sarif", "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);
        var schema = await JsonSchemaAssert.LoadAsync(JsonSchemaAssert.SarifSchemaPath);
        JsonSchemaAssert.Valid(schema, await File.ReadAllTextAsync(output), "SARIF");

        await SarifMultitool.AssertValidAsync(output);
    }

    private void CopyInputs(string? only = null)
    {
        foreach (var file in Directory.EnumerateFiles(Inputs, "*.json", SearchOption.AllDirectories))
        {
            var provider = Path.GetFileName(Path.GetDirectoryName(file)!);
            if (only is null || provider == only)
            {
                File.Copy(file, Path.Combine(_dir.FullName, $"{provider}-{Path.GetFileName(file)}"));
            }
        }
    }
}

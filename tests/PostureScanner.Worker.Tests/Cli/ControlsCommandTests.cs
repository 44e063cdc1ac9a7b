using System.Text.Json;
using PostureScanner.Testing;

namespace PostureScanner.Worker.Tests.Cli;

public sealed class ControlsCommandTests
{
    [Fact]
    public async Task Validate_BuiltInLibrary_IsClean()
    {
        var result = await CliRunner.RunAsync("controls", "validate");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches(@"^\d+ controls valid", result.Out);
    }

    [Fact]
    public async Task Validate_BrokenControl_ExitsTwoNamingFileLineAndField()
    {
        var dir = Directory.CreateTempSubdirectory("posture-controls-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "network"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "network", "bad-control.yaml"), """
                id: bad-control
                title: Broken on purpose
                severity: severe
                resource-type: network.firewall
                nist-800-53-r5: [SC-7, XX-1]
                description: d
                remediation: r
                check:
                  equalz: { attribute: a, value: 1 }
                """);
            var result = await CliRunner.RunAsync("controls", "validate", dir.FullName);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("network/bad-control.yaml:3:11: severity: 'severe' is not one of", result.Error, StringComparison.Ordinal);
            Assert.Contains("network/bad-control.yaml:5:", result.Error, StringComparison.Ordinal);
            Assert.Contains("nist-800-53-r5[1]: 'XX-1' is not in the NIST SP 800-53 Rev 5 catalog", result.Error, StringComparison.Ordinal);
            Assert.Contains("network/bad-control.yaml:9:3: check.equalz: unknown operator", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task List_Json_ListsEveryControlWithDisplayNistIds()
    {
        var result = await CliRunner.RunAsync("controls", "list", "--format", "json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var controls = doc.RootElement.GetProperty("controls").EnumerateArray().ToList();
        var onDisk = Directory.EnumerateFiles(RepoPaths.Combine("controls"), "*.yaml", SearchOption.AllDirectories).Count();
        Assert.Equal(onDisk, controls.Count);
        Assert.All(controls, c => Assert.All(c.GetProperty("nist").EnumerateArray(), n => Assert.Matches(@"^[A-Z]{2}-\d+(\(\d+\))?$", n.GetString()!)));
    }

    [Fact]
    public async Task Coverage_Json_MeetsTheLibraryTargets()
    {
        // The scan engine's "done when": at least 80 controls, at least 65 automated on each cloud.
        var result = await CliRunner.RunAsync("controls", "coverage", "--format", "json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Out);
        var controls = doc.RootElement.GetProperty("controls").EnumerateArray().ToList();
        Assert.True(controls.Count >= 80, $"{controls.Count} controls; the library needs at least 80");
        foreach (var cloud in new[] { "aws", "azure", "gcp" })
        {
            var automated = controls.Count(c => c.GetProperty("providers").GetProperty(cloud).GetString() == "automated");
            Assert.True(automated >= 65, $"{cloud}: {automated} automated controls; needs at least 65");
            Assert.Equal(automated, doc.RootElement.GetProperty("totals").GetProperty(cloud).GetProperty("automated").GetInt32());
        }

        // Every non-automated cell says why (manual reason or the missing attributes).
        Assert.All(controls, c =>
        {
            foreach (var cloud in c.GetProperty("providers").EnumerateObject().Where(p => p.Value.GetString() != "automated"))
            {
                Assert.True(c.GetProperty("reasons").TryGetProperty(cloud.Name, out var reason) && reason.GetString()!.Length > 0, $"{c.GetProperty("id")} on {cloud.Name} has no reason");
            }
        });
    }

    [Fact]
    public async Task Coverage_Json_MatchesGoldenFile()
    {
        var result = await CliRunner.RunAsync("controls", "coverage", "--format", "json");
        Assert.Equal(0, result.ExitCode);
        GoldenFile.AssertMatches(RepoPaths.Combine("tests", "PostureScanner.Worker.Tests", "Fixtures", "Coverage", "expected.json"), result.Out.Replace("\r\n", "\n", StringComparison.Ordinal), "tests/PostureScanner.Worker.Tests");
    }

    [Fact]
    public async Task Coverage_MarkdownAndTable_ShowTotalsPerCloudAndFamily()
    {
        var markdown = await CliRunner.RunAsync("controls", "coverage", "--format", "markdown");
        Assert.Contains("| cloud | automated | manual | none |", markdown.Out, StringComparison.Ordinal);
        Assert.Contains("| NIST family | controls | AWS | Azure | GCP |", markdown.Out, StringComparison.Ordinal);
        var table = await CliRunner.RunAsync("controls", "coverage");
        Assert.Contains("AC Access Control", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownVerbOrOption_ExitsTwo()
    {
        Assert.Equal(2, (await CliRunner.RunAsync("controls", "frobnicate")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("controls", "list", "--format", "yaml")).ExitCode);
    }
}

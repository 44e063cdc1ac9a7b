using System.Text.Json;
using PostureScanner.Worker.Tests.Cli;

namespace PostureScanner.Worker.Tests.Store;

/// <summary>Store verbs against one database, with the JSON outputs parsed.</summary>
internal sealed class StoreCli(string connectionString)
{
    public Task<CliRunner.Result> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--database", connectionString]);

    public Task<CliRunner.Result> RunAsync(TimeProvider time, params string[] args) => CliRunner.RunAsync(time, [.. args, "--database", connectionString]);

    /// <summary>Scan ids of <paramref name="target"/>, oldest first.</summary>
    public async Task<long[]> ScanIdsAsync(string target)
    {
        var result = await RunAsync("scans", "list", "--format", "json", "--limit", "1000");
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.GetProperty("scans").EnumerateArray()
            .Where(s => s.GetProperty("target").GetString() == target)
            .Select(s => s.GetProperty("id").GetInt64()).Order().ToArray();
    }

    /// <summary>The latest stored scan of <paramref name="target"/> as JSON text.</summary>
    public async Task<JsonElement> LatestScanAsync(string target)
    {
        var result = await RunAsync("scans", "list", "--format", "json", "--limit", "1000");
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.GetProperty("scans").EnumerateArray().First(s => s.GetProperty("target").GetString() == target).Clone();
    }

    /// <summary>Findings (JSON objects) of <paramref name="target"/> for the test control, with extra filters.</summary>
    public async Task<List<JsonElement>> FindingsAsync(string target, params string[] filters)
    {
        var result = await RunAsync(["findings", "list", "--target", target, "--control", StorageAccounts.Control, "--format", "json", .. filters]);
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone()).ToList();
    }

    public async Task<JsonElement> DiffAsync(long from, long to)
    {
        var result = await RunAsync("diff", "--from", from.ToString(System.Globalization.CultureInfo.InvariantCulture), "--to", to.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.Clone();
    }

    public static List<string> Fingerprints(JsonElement diff, string list) =>
        diff.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("fingerprint").GetString()!).ToList();
}

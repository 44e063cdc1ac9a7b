using System.Text.RegularExpressions;
using PostureScanner.Postgres.Options;
using PostureScanner.Testing.Postgres;
using PostureScanner.Worker.Cli;
using PostureScanner.Worker.Commands;
using PostureScanner.Worker.Tests.Cli;

namespace PostureScanner.Worker.Tests.Store;

public sealed partial class DemoCommandStoreTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("posture-demo-store-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Run_WithDatabase_PrintsDayTwoDiffWithNewAndResolved_AlsoWhenRunTwice()
    {
        // Four failing and three compliant storage accounts: day 2 fixes 2, breaks 2, deletes 2.
        foreach (var name in (string[])["bad1", "bad2", "bad3", "bad4"])
        {
            await StorageAccounts.WriteAsync(_dir.FullName, name, compliant: false);
        }

        foreach (var name in (string[])["good1", "good2", "good3"])
        {
            await StorageAccounts.WriteAsync(_dir.FullName, name, compliant: true);
        }

        var database = await fixture.CreateDatabaseAsync("demo");
        var options = new PostgresOptions { Mode = PostgresMode.Connection, ConnectionString = database };

        var first = await RunAsync(options);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("fixed    azure", first.Out, StringComparison.Ordinal);
        Assert.Contains("broken   azure", first.Out, StringComparison.Ordinal);
        Assert.Contains("deleted  azure", first.Out, StringComparison.Ordinal);
        var (created, resolved, _) = Counts(first.Out);
        Assert.Equal(2, created);   // the two broken accounts fail the key control
        Assert.True(resolved > 2, first.Out);  // two fixed, and every failure of the two deleted ones
        Assert.Contains("open by severity:", first.Out, StringComparison.Ordinal);

        // The second run diffs its own two scans: what day 1 re-broke comes back on day 2 as reopened.
        var second = await RunAsync(options);
        Assert.True(second.ExitCode == 0, second.Error);
        var (_, resolvedAgain, reopened) = Counts(second.Out);
        Assert.Equal(resolved, resolvedAgain);
        Assert.Equal(2, reopened);
    }

    [Fact]
    public async Task Demo_WithDatabase_PrintsTheDiff()
    {
        var database = await fixture.CreateDatabaseAsync("democli");
        var result = await CliRunner.RunAsync("demo", "--database", database);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Day 2:", result.Out, StringComparison.Ordinal);
        var (created, resolved, _) = Counts(result.Out);
        if (DemoInventory.FileCount > 0)
        {
            Assert.True(created >= 1 && resolved >= 1, result.Out);
        }
    }

    private async Task<CliRunner.Result> RunAsync(PostgresOptions options)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await DemoCommand.RunAsync(new CliContext(stdout, stderr, TimeProvider.System), _dir.FullName, options, "table", null, CancellationToken.None);
        return new CliRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    private static (int New, int Resolved, int Reopened) Counts(string output)
    {
        var m = DiffLine().Match(output);
        Assert.True(m.Success, output);
        return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"diff from scan \d+ to scan \d+: (\d+) new, (\d+) resolved, (\d+) reopened")]
    private static partial Regex DiffLine();
}

using System.Diagnostics;
using PostureScanner.Testing.Postgres;

namespace PostureScanner.Postgres.Tests.Findings;

/// <summary>DECISIONS 19: the process is killed with SIGKILL inside the merge transaction, not aborted by hand.</summary>
public sealed class FindingStoreCrashTests : IClassFixture<PostgresFixture>
{
    private const string StateQuery = """
        select (select count(*) from findings)::text || '/' ||
               (select count(*) from findings where status = 'fail' and resolved_at is null)::text || '/' ||
               (select count(*) from finding_events)::text || '/' ||
               (select count(*) from notification_outbox)::text || '/' ||
               (select count(*) from resources where deleted_at is null)::text || '/' ||
               (select count(*) from scan_scopes)::text
        """;

    private readonly PostgresFixture _fixture;

    public FindingStoreCrashTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task MergeScope_ProcessKilledMidMerge_PreviousStateIntactAndNextMergeCompletes()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await db.ScanAsync("crash", "scope-a", CrashScenario.First());
        var before = await db.ScalarAsync<string>(StateQuery);

        using (var child = StartChild(db.ConnectionString))
        {
            var line = await ReadMarkerAsync(child);
            Assert.Equal(Program.InMergeMarker, line);
            child.Kill(entireProcessTree: true); // SIGKILL on Unix
            await child.WaitForExitAsync();
            Assert.NotEqual(0, child.ExitCode);
        }

        Assert.Equal(before, await db.ScalarAsync<string>(StateQuery));

        var (_, result) = await db.ScanAsync("crash", "scope-a", CrashScenario.Second());

        // Second snapshot: 10 of 67 failing buckets fixed, 4 deleted (1 of them failing: crash-099), 20 new buckets failing both controls.
        Assert.Equal((40, 11), (result.Inserted, result.Resolved));
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from scan_scopes where status = 'completed' and scan_id = (select max(id) from scans)"));
    }

    private static Process StartChild(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["exec", typeof(Program).Assembly.Location, "crash-merge", connectionString, "crash"])
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
    }

    private static async Task<string?> ReadMarkerAsync(Process child)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await child.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw new TimeoutException("the child never reached the merge: " + await child.StandardError.ReadToEndAsync());
        }
    }
}

using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Postgres.Tests;

/// <summary>
/// Entry point for the crash test's child process (<c>dotnet exec PostureScanner.Postgres.Tests.dll crash-merge CONN TARGET</c>):
/// it merges the second snapshot and, once inside the merge transaction, prints a marker and waits to be killed.
/// The test runner loads this assembly as a library and never runs it.
/// </summary>
internal static class Program
{
    public const string InMergeMarker = "IN-MERGE";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 3 || args[0] != "crash-merge")
        {
            await Console.Error.WriteLineAsync("usage: crash-merge CONNECTION TARGET");
            return 2;
        }

        await using var ds = NpgsqlDataSource.Create(args[1]);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new FindingStore(ds, time)
        {
            AfterMergeStep = async (step, ct) =>
            {
                if (step == "findings-missing")
                {
                    Console.WriteLine(InMergeMarker);
                    await Console.Out.FlushAsync(ct);
                    await Task.Delay(Timeout.Infinite, ct);
                }
            },
        };
        var scan = await store.BeginScanAsync(args[2], "controls-v1", CancellationToken.None);
        await store.MergeScopeAsync(scan, "scope-a", TestInventory.Stream(CrashScenario.Second()), CancellationToken.None);
        return 1;
    }
}

using System.Diagnostics;
using PostureScanner.Postgres.Local;

namespace PostureScanner.Testing.Postgres;

/// <summary>
/// One throw-away PostgreSQL server per test process: the real <see cref="LocalPostgres"/> launcher on
/// a temporary folder under /tmp (owned by the postgres account when the tests run as root), with
/// fsync off. Stopped and deleted when the process exits. Missing binaries make every test that uses
/// it fail with the install message; they are never skipped.
/// </summary>
public static class TempPostgresServer
{
    private const string Prefix = "posture-pg-";

    private static readonly Lazy<Task<LocalPostgres>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<LocalPostgres> GetAsync() => Server.Value;

    private static async Task<LocalPostgres> StartAsync()
    {
        DeleteStale();
        var dir = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var server = await LocalPostgres.StartAsync(new LocalPostgresSettings
        {
            DataDirectory = dir,
            Database = "postgres",
            Durable = false,
        }, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(server);
        return server;
    }

    private static void Stop(LocalPostgres server)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            server.StopAsync(immediate: true, cts.Token).GetAwaiter().GetResult();
            Directory.Delete(server.DataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            Trace.WriteLine($"could not stop the test PostgreSQL in {server.DataDirectory}: {ex.Message}");
        }
    }

    /// <summary>
    /// Removes clusters of earlier runs that were stopped but not deleted (the test host can be ended
    /// before its exit handler finishes). Only folders older than ten minutes without a running
    /// server, so a cluster another test process is creating right now is left alone.
    /// </summary>
    private static void DeleteStale()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            try
            {
                if (!File.Exists(Path.Combine(dir, "postmaster.pid")) && Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-10))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Trace.WriteLine($"could not delete stale test cluster {dir}: {ex.Message}");
            }
        }
    }
}

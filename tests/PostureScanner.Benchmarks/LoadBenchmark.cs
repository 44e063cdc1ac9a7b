using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PostureScanner.Postgres.Findings;

/// <summary>
/// What a re-scan loads before its first record: the stored records it may keep unparsed and each scope's
/// digests, from a store a `run.sh store` left behind. Usage: load CONNECTION_STRING TARGET (the last scan
/// of the target gives the control-set hash).
/// </summary>
internal static class LoadBenchmark
{
    public static async Task<int> RunAsync(string connectionString, string target)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new FindingStore(source, TimeProvider.System);
        long targetId;
        string hash;
        await using (var connection = await source.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand(
            "select t.id, s.control_set_hash from targets t join scans s on s.target_id = t.id where t.name = $1 order by s.id desc limit 1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = target });
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                Console.Error.WriteLine($"no scan of target '{target}'");
                return 2;
            }

            (targetId, hash) = (reader.GetInt64(0), reader.GetString(1));
        }

        var scan = new ScanHandle { ScanId = 0, TargetId = targetId, Target = target, ControlSetHash = hash, StartedAt = DateTimeOffset.UtcNow };
        for (var round = 0; round < 3; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var records = await store.LoadStoredRecordsAsync(scan, DateTimeOffset.UtcNow, CancellationToken.None);
            var recordsTime = watch.Elapsed;
            var scopes = await store.ScopeNamesAsync(scan, CancellationToken.None);
            var resources = 0;
            foreach (var scope in scopes)
            {
                resources += (await store.LoadScopeDigestsAsync(scan, scope, CancellationToken.None)).Count;
            }

            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stored records {records.Count:N0} in {recordsTime.TotalSeconds:N2} s; digests of {scopes.Count} scopes ({resources:N0} resources) in {(watch.Elapsed - recordsTime).TotalSeconds:N2} s; cpu {cpu.TotalSeconds:N2} s"));
        }

        return 0;
    }
}

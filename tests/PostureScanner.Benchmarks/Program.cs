using System.Diagnostics;
using System.Globalization;
using PostureScanner.Aws.Snapshots;
using PostureScanner.Azure.Snapshots;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;
using PostureScanner.Core.Policy;
using PostureScanner.Core.Scanning;
using PostureScanner.Gcp.Snapshots;
using PostureScanner.Postgres.Findings;

// Pipeline benchmark: measures each stage over an inventory made by `posture dev generate`.
// Usage: dotnet run -c Release --project tests/PostureScanner.Benchmarks -- pipeline DIR
//        dotnet run -c Release --project tests/PostureScanner.Benchmarks -- load CONNECTION_STRING TARGET
// Extra pipeline stages on request, measured for the next steps: POSTURE_BENCH_KEEP_ALL=1 reads with every
// record hashed and kept (a re-scan's reading, without the store); two experiments the scan does not do
// yet: POSTURE_BENCH_READ_AHEAD=N reads on a second task, handing records over in batches of N, and
// POSTURE_BENCH_SPLIT=N runs N whole pipelines side by side, each over its share of the files.
// Figures go to the README; nothing here asserts a time (performance is measured, not asserted).
if (args is ["load", var connectionString, var target])
{
    return await LoadBenchmark.RunAsync(connectionString, target);
}

if (args.Length < 2 || args[0] != "pipeline")
{
    Console.Error.WriteLine("usage: PostureScanner.Benchmarks pipeline INVENTORY_DIR");
    return 2;
}

var input = args[1];
ISnapshotFormat[] formats = [.. AwsSnapshotFormats.All, .. AzureSnapshotFormats.All, .. GcpSnapshotFormats.All];
var bytes = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
var controls = new ControlLoader(NistCatalog.Embedded).LoadAll(ContentSource.Embedded("controls"));
var mappings = new MappingLoader(new ExpressionCompiler()).LoadAll(ContentSource.Embedded("mappings"));
var normalizer = new Normalizer(mappings);
var compiled = ScanPolicy.Default.Compile(controls, NistCatalog.Embedded);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"input {input}: {bytes / 1_048_576.0:N1} MiB; {controls.Controls.Count} controls; {Environment.ProcessorCount} cores"));
await Stage("read", async () =>
{
    long n = 0;
    await foreach (var _ in new SnapshotReader(formats).ReadAsync([input], CancellationToken.None))
    {
        n++;
    }

    return (n, 0L);
});
await Stage("read+normalize", async () =>
{
    long n = 0, r = 0;
    await foreach (var asset in new SnapshotReader(formats).ReadAsync([input], CancellationToken.None))
    {
        n++;
        r += normalizer.Normalize(asset).Count();
    }

    return (n, r);
});
await Stage("read+normalize+evaluate", async () =>
{
    var pipeline = new ScanPipeline(normalizer, new Evaluator(compiled, DateTimeOffset.UtcNow), ScanPolicy.Default);
    long e = 0;
    await foreach (var _ in pipeline.RunAsync(new SnapshotReader(formats).ReadAsync([input], CancellationToken.None), CancellationToken.None))
    {
        e++;
    }

    return (pipeline.Counters.Records, e);
});
await Stage("...+stage rows (store)", () => StageAll(new SnapshotReader(formats).ReadAsync([input], CancellationToken.None)));
if (Environment.GetEnvironmentVariable("POSTURE_BENCH_KEEP_ALL") is not null)
{
    // A re-scan's reading where nothing changed: every record is hashed and kept, none parsed.
    await Stage("read, every record kept", async () =>
    {
        long n = 0;
        var reader = new SnapshotReader(formats) { Records = new KeepAll() };
        await foreach (var _ in reader.ReadAsync([input], CancellationToken.None))
        {
            n++;
        }

        return (reader.Inputs.Sum(i => i.Resources), n);
    });
}

if (Environment.GetEnvironmentVariable("POSTURE_BENCH_READ_AHEAD") is { } readAhead)
{
    var batchSize = int.Parse(readAhead, CultureInfo.InvariantCulture);
    await Stage($"read ahead ({batchSize}) + stage", async () =>
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<List<RawAsset>>(4);
        var producer = Task.Run(async () =>
        {
            var batch = new List<RawAsset>(batchSize);
            await foreach (var asset in new SnapshotReader(formats).ReadAsync([input], CancellationToken.None))
            {
                batch.Add(asset);
                if (batch.Count == batchSize)
                {
                    await channel.Writer.WriteAsync(batch);
                    batch = new List<RawAsset>(batchSize);
                }
            }

            await channel.Writer.WriteAsync(batch);
            channel.Writer.Complete();
        });
        var result = await StageAll(Drain(channel.Reader));
        await producer;
        return result;
    });
}

if (Environment.GetEnvironmentVariable("POSTURE_BENCH_SPLIT") is { } split)
{
    var parts = int.Parse(split, CultureInfo.InvariantCulture);
    var files = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    await Stage($"split x{parts} + stage", async () =>
    {
        // Each part reads, normalizes, evaluates and stages its own files on its own thread: nothing
        // crosses threads but the counts. (Its GCP policies join only resources of the same part.)
        var results = await Task.WhenAll(Enumerable.Range(0, parts).Select(part => Task.Run(() =>
            StageAll(new SnapshotReader(formats).ReadAsync([.. files.Where((_, i) => i % parts == part)], CancellationToken.None)))));
        return (results.Sum(r => r.Records), results.Sum(r => r.Items));
    });
}

var database = Environment.GetEnvironmentVariable("POSTURE_BENCH_DATABASE");
if (database is not null)
{
    // The staged rows into PostgreSQL (binary COPY into the merge's temporary table), as a scan's merge
    // takes them; the process CPU time says what the client side costs.
    await Stage("...+COPY to PostgreSQL", async () =>
    {
        var pipeline = new ScanPipeline(normalizer, new Evaluator(compiled, DateTimeOffset.UtcNow), ScanPolicy.Default);
        await using var source = Npgsql.NpgsqlDataSource.Create(database);
        await using var connection = await source.OpenConnectionAsync();
        await using (var create = new Npgsql.NpgsqlCommand(StagingWriter.CreateTables, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var writer = new StagingWriter();
        await writer.WriteAsync(connection, Batches(pipeline, new SnapshotReader(formats).ReadAsync([input], CancellationToken.None)), CancellationToken.None);
        return (pipeline.Counters.Records, writer.Rows);
    });
}

return 0;

// Staged rows in batches of FindingStore.StageBatchSize, one stager per scope, as a scan hands them to its merges.
async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> Batches(ScanPipeline pipeline, IAsyncEnumerable<RawAsset> records)
{
    var stagers = new Dictionary<string, EvaluationStager>();
    var rows = new List<StagedEvaluation>();
    await foreach (var evaluation in pipeline.RunAsync(records, CancellationToken.None))
    {
        var scope = evaluation.Resource.Raw.Scope;
        if (!stagers.TryGetValue(scope, out var stager))
        {
            stagers[scope] = stager = new EvaluationStager();
        }

        stager.Add(evaluation, rows);
        if (rows.Count >= FindingStore.StageBatchSize)
        {
            yield return rows;
            rows = [];
        }
    }

    foreach (var stager in stagers.Values)
    {
        stager.Complete(rows);
    }

    yield return rows;
}

async Task<(long Records, long Items)> StageAll(IAsyncEnumerable<RawAsset> records)
{
    var pipeline = new ScanPipeline(normalizer, new Evaluator(compiled, DateTimeOffset.UtcNow), ScanPolicy.Default);
    long rows = 0;
    await foreach (var batch in Batches(pipeline, records))
    {
        rows += batch.Count;
    }

    return (pipeline.Counters.Records, rows);
}

static async IAsyncEnumerable<RawAsset> Drain(System.Threading.Channels.ChannelReader<List<RawAsset>> reader)
{
    await foreach (var batch in reader.ReadAllAsync())
    {
        foreach (var asset in batch)
        {
            yield return asset;
        }
    }
}

async Task Stage(string name, Func<Task<(long Records, long Items)>> run)
{
    GC.Collect();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var (records, items) = await run();
    watch.Stop();
    var process = Process.GetCurrentProcess();
    process.Refresh();
    cpu = process.TotalProcessorTime - cpu;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-26} {watch.Elapsed.TotalSeconds,7:N1} s  {records / watch.Elapsed.TotalSeconds,9:N0} records/s  cpu {cpu.TotalSeconds,6:N1} s  {bytes / 1_048_576.0 / watch.Elapsed.TotalSeconds,6:N1} MiB/s  items {items:N0}  peak working set {process.PeakWorkingSet64 / 1_048_576.0:N0} MiB"));
}

/// <summary>A record filter that keeps every record (see POSTURE_BENCH_KEEP_ALL).</summary>
internal sealed class KeepAll : IRecordFilter
{
    public bool TryKeep(UInt128 recordHash) => true;
}

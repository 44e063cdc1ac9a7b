using System.Threading.Channels;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Scanning;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// The read of a stored scan that writes no per-result report, on several workers: each worker takes
/// whole files, reads, normalizes and evaluates their records and prepares them for the store
/// (<see cref="EvaluationPreparer"/>: digests compared, rows built); one sequencer (the caller's task)
/// takes the workers' output file by file, in the order a single reader would have read it, and hands
/// it to the scopes' stagers (<see cref="ScopeMergeRouter.TakeAsync"/>) and the record keeper.
/// <para>
/// So nothing the scan decides depends on which worker was faster: which copy of a resource wins,
/// whether a kept or a parsed record took a resource first, the order scopes open and the inputs are
/// listed are those of the sequential read. The files of phase 0 (GCP IAM-policy exports, which resources
/// of any file join) are read first, one after another; every later file reads through a session of its
/// own (<see cref="SnapshotSession.ForFile"/>), so it does not matter which is read first.
/// A record crosses threads only as prepared rows and hashes, never as a JSON tree (measured: a consumer
/// walking trees another core built made the read slower than one thread).
/// </para>
/// <para>
/// Memory: the output of the file being sequenced streams through; a worker ahead of it holds its
/// prepared rows until their turn, up to <see cref="DefaultMaxRowsAhead"/> rows in all (a first scan stages every
/// resource; a re-scan mostly keeps records, which cost a number each).
/// </para>
/// </summary>
internal sealed class ParallelRead
{
    /// <summary>Prepared rows of files ahead of the sequenced one beyond which a worker waits, by default (a few hundred bytes each).</summary>
    public const int DefaultMaxRowsAhead = 50_000;

    private const int ChunkItems = 1024;

    private readonly SnapshotReader _reader;
    private readonly RecordKeeper _keeper;
    private readonly ScopeMergeRouter _router;
    private readonly Func<Action<Resource, int, DateTimeOffset?>, ScanPipeline> _pipeline;
    private readonly int _maxRowsAhead;
    private readonly object _lock = new();
    private readonly List<Job> _jobs = [];
    private readonly List<ScanCounters> _workerCounters = [];
    private readonly List<SnapshotInput> _inputs = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _firstUnstarted;
    private int _sequenced;
    private long _rowsAhead;
    private KeepFilter? _readFilter;
    private SnapshotSession? _readSession;

    /// <param name="reader">Plans the inputs and completes what only all of them complete (orphan IAM policies).</param>
    /// <param name="keeper">Decides which records are kept unparsed (on the workers) and keeps them (in order).</param>
    /// <param name="router">The scopes' stagers and merges.</param>
    /// <param name="pipeline">A new pipeline for one worker, reporting each evaluated resource to the given callback.</param>
    /// <param name="maxRowsAhead">Prepared rows that may wait ahead of the sequenced file (see <see cref="DefaultMaxRowsAhead"/>).</param>
    public ParallelRead(SnapshotReader reader, RecordKeeper keeper, ScopeMergeRouter router, Func<Action<Resource, int, DateTimeOffset?>, ScanPipeline> pipeline,
        int maxRowsAhead = DefaultMaxRowsAhead)
    {
        _maxRowsAhead = maxRowsAhead;
        _reader = reader;
        _keeper = keeper;
        _router = router;
        _pipeline = pipeline;
    }

    /// <summary>What happened to each input, in reading order (once <see cref="RunAsync"/> returned).</summary>
    public IReadOnlyList<SnapshotInput> Inputs => _inputs;

    /// <summary>
    /// Reads <paramref name="paths"/> on <paramref name="workers"/> workers, feeding the router in reading
    /// order; the workers' counts are added to <paramref name="counters"/> (which the keeper counts kept
    /// records into). A file that cannot be read whole is recorded in <see cref="Inputs"/> with its error;
    /// anything else that goes wrong (the database) ends the read with that exception.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<string> paths, int workers, ScanCounters counters, ScanProgress? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var plan = await _reader.PlanAsync(paths, cancellationToken);

        // Phase 0 (policy exports) one file after another through the read's session; later files each
        // through their own once phase 0 is read; the formats' completion (orphan policies) last of all.
        Job? lastOfPhase0 = null;
        foreach (var input in plan)
        {
            var job = new Job(_jobs.Count, input, lastOfPhase0, input.Phase == 0);
            lastOfPhase0 = input.Phase == 0 ? job : lastOfPhase0;
            _jobs.Add(job);
        }

        _jobs.Add(new Job(_jobs.Count, null, null, true) { AfterAll = true });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(() => WorkAsync(stop.Token), stop.Token)).ToList();
        try
        {
            await SequenceAsync(counters, progress, cancellationToken);
            await Task.WhenAll(tasks);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The sequencer's own exception (rethrown by the caller) is the one that explains the failure.
            }
        }

        foreach (var part in _workerCounters)
        {
            counters.Add(part);
        }
    }

    private async Task SequenceAsync(ScanCounters counters, ScanProgress? progress, CancellationToken cancellationToken)
    {
        long records = 0, evaluations = 0;
        foreach (var job in _jobs)
        {
            lock (_lock)
            {
                _sequenced = job.Index;
                Pulse();
            }

            await foreach (var chunk in job.Output.Reader.ReadAllAsync(cancellationToken))
            {
                if (chunk.Ahead)
                {
                    lock (_lock)
                    {
                        _rowsAhead -= chunk.Rows;
                        Pulse();
                    }
                }

                foreach (var item in chunk.Items)
                {
                    if (item.Record is { } record)
                    {
                        records++;
                        foreach (var resource in record.Resources)
                        {
                            evaluations += resource.Evaluations;
                        }

                        await _router.TakeAsync(item.Scope!, record, cancellationToken);
                    }
                    else
                    {
                        _keeper.Apply(item.KeptRow);
                    }
                }

                progress?.Report(counters.Records + records, counters.Evaluations + evaluations);
            }

            if (job.Result is { } result)
            {
                _inputs.Add(result);
            }
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        var preparer = new EvaluationPreparer();
        var pipeline = _pipeline(preparer.NoteResource);
        lock (_lock)
        {
            _workerCounters.Add(pipeline.Counters);
        }

        var digests = new Dictionary<string, ScopeDigests>(StringComparer.Ordinal);
        while (await TakeAsync(cancellationToken) is { } job)
        {
            try
            {
                await ProduceAsync(job, pipeline, preparer, digests, cancellationToken);
                job.Output.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                // Every file not yet sequenced ends with the error, so the sequencer surfaces it wherever it is.
                lock (_lock)
                {
                    foreach (var other in _jobs.Where(j => !j.Produced))
                    {
                        other.Output.Writer.TryComplete(ex);
                    }
                }

                throw;
            }
            finally
            {
                lock (_lock)
                {
                    job.Produced = true;
                    Pulse();
                }
            }
        }
    }

    private async Task ProduceAsync(Job job, ScanPipeline pipeline, EvaluationPreparer preparer, Dictionary<string, ScopeDigests> digests,
        CancellationToken cancellationToken)
    {
        var output = new JobOutput(this, job);
        var session = job.ReadsSession ? ReadSession(output) : ReadSession(null).ForFile(new KeepFilter(_keeper) { Output = output });
        var records = job.Input is { } input
            ? SnapshotReader.ReadInputAsync(input, session, result => job.Result = result, cancellationToken)
            : _reader.CompleteAsync(session, cancellationToken);
        await foreach (var asset in records.WithCancellation(cancellationToken))
        {
            // The scope's digests only spare building rows of unchanged resources: a worker never waits for
            // them (at the start of a re-scan they may still be loading; the stager compares then).
            if (!digests.TryGetValue(asset.Scope, out var known) && _router.DigestsAsync(asset.Scope) is { IsCompletedSuccessfully: true } loaded)
            {
                digests[asset.Scope] = known = loaded.Result;
            }

            foreach (var evaluation in pipeline.Evaluate(asset))
            {
                preparer.Add(evaluation);
            }

            var prepared = preparer.Finish(known);
            output.Add(new Item(asset.Scope, prepared, -1), prepared.Rows);
            if (output.Full)
            {
                await output.FlushAsync(cancellationToken);
            }
        }

        await output.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The read's session; with <paramref name="output"/>, its keep filter pointed at that file's output
    /// (the files of phase 0, and then the completion, are read through it one at a time).
    /// </summary>
    private SnapshotSession ReadSession(JobOutput? output)
    {
        lock (_lock)
        {
            _readFilter ??= new KeepFilter(_keeper);
            _readSession ??= new SnapshotSession { Records = _readFilter };
            if (output is not null)
            {
                _readFilter.Output = output;
            }

            return _readSession;
        }
    }

    /// <summary>
    /// The next file to read: the first not started whose predecessor is read (a file of phase 0 waits for
    /// the one before it, a later file for the last of phase 0, the completion for all; a file that must
    /// wait is passed over, so a worker never holds one file while another waits for it).
    /// </summary>
    private async Task<Job?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                while (_firstUnstarted < _jobs.Count && _jobs[_firstUnstarted].Started)
                {
                    _firstUnstarted++;
                }

                if (_firstUnstarted == _jobs.Count)
                {
                    return null;
                }

                for (var i = _firstUnstarted; i < _jobs.Count; i++)
                {
                    var job = _jobs[i];
                    if (!job.Started && (job.Previous is null || job.Previous.Produced) && (!job.AfterAll || _jobs.All(j => j == job || j.Produced)))
                    {
                        job.Started = true;
                        return job;
                    }
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Hands a chunk to the sequencer; a worker ahead of the sequenced file waits while too many rows are ahead.</summary>
    private async Task PublishAsync(Job job, Chunk chunk, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (job.Index == _sequenced)
                {
                    break;
                }

                if (_rowsAhead == 0 || _rowsAhead + chunk.Rows <= _maxRowsAhead)
                {
                    chunk.Ahead = true;
                    _rowsAhead += chunk.Rows;
                    break;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }

        job.Output.Writer.TryWrite(chunk);
    }

    /// <summary>Wakes every waiter (called under the lock when a file is read, the sequencer moves on, or rows ahead are taken).</summary>
    private void Pulse()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One input file (or, with no input, the formats' completion), and its output for the sequencer.</summary>
    private sealed class Job(int index, PlannedInput? input, Job? previous, bool readsSession)
    {
        public int Index { get; } = index;

        public PlannedInput? Input { get; } = input;

        /// <summary>The file that must be read before this one starts (phase 0 before the rest).</summary>
        public Job? Previous { get; } = previous;

        /// <summary>Read through the read's session (phase 0, the completion), not a session of its own.</summary>
        public bool ReadsSession { get; } = readsSession;

        /// <summary>Starts once every other file is read (the completion: orphan policies).</summary>
        public bool AfterAll { get; init; }

        public Channel<Chunk> Output { get; } = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        public bool Started { get; set; }

        /// <summary>Read to the end (or failed): the sequencer finds its whole output in <see cref="Output"/>.</summary>
        public bool Produced { get; set; }

        public SnapshotInput? Result { get; set; }
    }

    /// <summary>A parsed record (<see cref="Record"/>, with its scope) or a kept one (<see cref="KeptRow"/>, the first row of its stored resources).</summary>
    private readonly record struct Item(string? Scope, PreparedRecord? Record, int KeptRow);

    private sealed class Chunk
    {
        public List<Item> Items { get; } = new(ChunkItems);

        public int Rows { get; set; }

        /// <summary>Counted in the rows ahead of the sequencer when published.</summary>
        public bool Ahead { get; set; }
    }

    /// <summary>A file's output as its worker builds it, chunk by chunk.</summary>
    private sealed class JobOutput(ParallelRead read, Job job)
    {
        private Chunk _chunk = new();

        public bool Full => _chunk.Items.Count >= ChunkItems;

        public void Add(Item item, int rows)
        {
            _chunk.Items.Add(item);
            _chunk.Rows += rows;
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_chunk.Items.Count == 0)
            {
                return;
            }

            var chunk = _chunk;
            _chunk = new Chunk();
            await read.PublishAsync(job, chunk, cancellationToken);
        }
    }

    /// <summary>The keep decision on the worker (a lookup); keeping itself is the sequencer's (<see cref="RecordKeeper.Apply"/>).</summary>
    private sealed class KeepFilter(RecordKeeper keeper) : IRecordFilter
    {
        public JobOutput? Output { get; set; }

        public bool TryKeep(UInt128 recordHash)
        {
            if (!keeper.Find(recordHash, out var first))
            {
                return false;
            }

            Output!.Add(new Item(null, null, first), 0);
            return true;
        }
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// Streams a scan's evaluations into the store, one merge (<see cref="FindingStore"/>) per scope
/// (<see cref="RawAsset.Scope"/>).
/// <para>
/// The pipeline yields evaluations in record order, and a snapshot file may interleave scopes (an
/// aggregator export holds many accounts and regions), so every scope gets its own merge, started when
/// its first record is seen and fed through a bounded channel: its evaluations go to the database
/// (binary COPY into the merge's staging table) while the scan runs. When a scope opens, the evaluation
/// digests of the resources it holds are loaded; each evaluation is then turned into a staged row on
/// the scan's thread (<see cref="EvaluationStager"/>: strings and hashes, no native JSON) unless its
/// resource is unchanged, and rows cross to the merge in batches, so memory holds a few batches per
/// scope and the hand-off costs nothing per row. Nothing is committed until the whole input has been
/// read: only then does <see cref="CompleteAsync"/> finish the merges (one transaction per scope, a few
/// side by side) or, when an input could not be read whole, cancel them all and record the scopes as
/// failed. Each streaming merge holds one connection, so beyond <c>maxStreams</c> scopes the staged rows
/// of further scopes are buffered in memory and merged after the stream ends.
/// </para>
/// </summary>
internal sealed class ScopeMergeRouter : IAsyncDisposable
{
    private const int ChannelCapacity = 4;

    private readonly FindingStore _store;
    private readonly ScanHandle _scan;
    private readonly int _maxStreams;
    private readonly int _maxParallelMerges;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<string, ScopeSink> _sinks = new(StringComparer.Ordinal);
    private readonly List<ScopeSink> _order = [];
    private readonly ConcurrentDictionary<string, Lazy<Task<ScopeDigests>>> _digests = new(StringComparer.Ordinal);
    private readonly ResourceClaims _claims = new();
    private bool _storedClaimed;
    private Task _prefetch = Task.CompletedTask;
    private int _streams;

    public ScopeMergeRouter(FindingStore store, ScanHandle scan, int maxStreams, int maxParallelMerges, CancellationToken cancellationToken)
    {
        _store = store;
        _scan = scan;
        _maxStreams = maxStreams;
        _maxParallelMerges = Math.Max(1, maxParallelMerges);
        _cancellationToken = cancellationToken;
    }

    /// <summary>Per scope, the stored resources that records kept unparsed stand for (see <see cref="EvaluationStager.Kept"/>).</summary>
    public Func<string, IReadOnlyDictionary<long, int>>? Kept { get; init; }

    /// <summary>
    /// Starts loading, on a background task, the digests of scopes the scan will probably read (those the
    /// target holds): a scope opened later finds them loaded instead of making the scan wait for a
    /// query of all its resources (on a re-scan that mostly keeps records, the second core is free).
    /// </summary>
    public void Prefetch(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var lazies = new List<Lazy<Task<ScopeDigests>>>();
        foreach (var scope in scopes)
        {
            if (!_digests.ContainsKey(scope))
            {
                lazies.Add(Digests(scope));
            }
        }

        _prefetch = Task.Run(async () =>
        {
            foreach (var lazy in lazies)
            {
                await lazy.Value;
            }
        }, _cancellationToken);
    }

    /// <summary>
    /// The digests of the resources <paramref name="scope"/> held after its last merge, loaded once (on any
    /// thread: the scan's reading workers prepare records against them, and the scope's stager takes them).
    /// </summary>
    public Task<ScopeDigests> DigestsAsync(string scope) => Digests(scope).Value;

    /// <summary>Scopes seen so far, in order of first record.</summary>
    public IReadOnlyList<string> Scopes => _order.Select(s => s.Scope).ToList();

    /// <summary>Passes the records through, opening a merge for each scope on its first record (a scope with records but no evaluation is still merged).</summary>
    public async IAsyncEnumerable<RawAsset> ObserveAsync(IAsyncEnumerable<RawAsset> assets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var asset in assets.WithCancellation(cancellationToken))
        {
            if (!_sinks.ContainsKey(asset.Scope))
            {
                await OpenAsync(asset.Scope, cancellationToken);
            }

            yield return asset;
        }
    }

    /// <summary>
    /// Tells the resource's scope that the resource is evaluated (<see cref="EvaluationStager.NoteResource"/>):
    /// the stager then knows how many resources each record made. Called by the pipeline, on the scan's thread.
    /// </summary>
    public void NoteResource(Resource resource, int excluded, DateTimeOffset? stableUntil)
    {
        if (_sinks.TryGetValue(resource.Raw.Scope, out var sink))
        {
            sink.Stager.NoteResource(resource, excluded, stableUntil, sink.Batch);
        }
    }

    /// <summary>Ends the record's staging in its scope (see <see cref="EvaluationStager.FinishRecord"/>): called by the pipeline once the record is evaluated.</summary>
    public void FinishRecord(RawAsset record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_sinks.TryGetValue(record.Scope, out var sink))
        {
            sink.Stager.FinishRecord(sink.Batch);
        }
    }

    /// <summary>
    /// Takes one record a reading worker prepared (<see cref="EvaluationPreparer"/>), in the scan's order: opens
    /// its scope on its first record, and hands the rows to the scope's merge in batches.
    /// </summary>
    public async ValueTask TakeAsync(string scope, PreparedRecord record, CancellationToken cancellationToken)
    {
        if (!_sinks.TryGetValue(scope, out var sink))
        {
            sink = await OpenAsync(scope, cancellationToken);
        }

        sink.Stager.Take(record, sink.Batch);
        if (!sink.Buffered && sink.Batch.Count >= FindingStore.StageBatchSize)
        {
            await SendAsync(sink, cancellationToken);
        }
    }

    /// <summary>Routes one evaluation (not detached: the stager reads the resource's attributes and raw record) to its scope's merge.</summary>
    public async ValueTask WriteAsync(Evaluation evaluation, CancellationToken cancellationToken)
    {
        var scope = evaluation.Resource.Raw.Scope;
        if (!_sinks.TryGetValue(scope, out var sink))
        {
            sink = await OpenAsync(scope, cancellationToken);
        }

        sink.Stager.Add(evaluation, sink.Batch);
        if (!sink.Buffered && sink.Batch.Count >= FindingStore.StageBatchSize)
        {
            await SendAsync(sink, cancellationToken);
        }
    }

    /// <summary>
    /// Ends every merge: with <paramref name="failure"/> null each scope is committed (one transaction per
    /// scope, up to <c>maxParallelMerges</c> side by side: a merge is one server process, and a resource
    /// that moved between two scopes of the scan can deadlock two of them, which the store resolves by
    /// running the loser again); otherwise each streaming merge is cancelled (its transaction rolls back)
    /// and every scope is recorded as failed with the reason, so nothing in this scan resolves or deletes
    /// anything. Each scope takes the resources of records the scan kept unparsed (<see cref="Kept"/>) as
    /// present and unchanged before moves are settled; <paramref name="keptScopes"/> (the scopes it kept
    /// records of) are merged even when the scan read no other record of them.
    /// </summary>
    public async Task<IReadOnlyList<ScopeMergeResult>> CompleteAsync(string? failure, IEnumerable<string> keptScopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keptScopes);
        foreach (var scope in keptScopes)
        {
            if (!_sinks.ContainsKey(scope))
            {
                await OpenAsync(scope, cancellationToken);
            }
        }

        if (failure is not null)
        {
            var failed = new List<ScopeMergeResult>();
            foreach (var sink in _order)
            {
                await AbandonAsync(sink);
                await _store.FailScopeAsync(_scan, sink.Scope, failure, cancellationToken);
                failed.Add(new ScopeMergeResult { Scope = sink.Scope, Status = ScopeStatus.Failed, Reason = failure });
            }

            return failed;
        }

        foreach (var sink in _order)
        {
            sink.Stager.Complete(sink.Batch);
            sink.Stager.KeepAll();
        }

        EvaluationStager.ResolveMoves([.. _order.Select(s => s.Stager)]);
        var running = new List<Task<ScopeMergeResult>>();
        foreach (var sink in _order)
        {
            if (sink.Buffered)
            {
                sink.Buffered = false;
                var rows = sink.Batch;
                sink.Batch = [];
                sink.Merge = _store.MergeScopeAsync(_scan, sink.Scope, sink.Stager, Stream(rows), sink.Cancellation.Token);
            }
            else
            {
                if (sink.Batch.Count > 0)
                {
                    await SendAsync(sink, cancellationToken);
                }

                sink.Channel!.Writer.TryComplete();
            }

            running.Add(sink.Merge!);
            if (running.Count >= _maxParallelMerges)
            {
                var done = await Task.WhenAny(running);
                running.Remove(done);
                await done;
            }
        }

        var results = new List<ScopeMergeResult>();
        foreach (var sink in _order)
        {
            results.Add(await sink.Merge!);
            sink.Merge = null;
        }

        return results;
    }

    /// <summary>Cancels merges still open (the scan was abandoned): their transactions roll back, nothing is recorded.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _prefetch;
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException or IOException)
        {
            // A scope the scan never opened: its digests are not needed, nor is the error loading them.
        }

        foreach (var sink in _order)
        {
            await AbandonAsync(sink);
            sink.Cancellation.Dispose();
        }
    }

    private async Task<ScopeSink> OpenAsync(string scope, CancellationToken cancellationToken)
    {
        if (!_storedClaimed)
        {
            // A resource read in one scope may be stored in another whose record the scan keeps (or the
            // reverse): before the first is taken, the claims must know what every scope of the target holds.
            _storedClaimed = true;
            foreach (var prefetched in _digests.Keys.ToList())
            {
                var stored = await DigestsAsync(prefetched).WaitAsync(cancellationToken);
                _claims.AddStored(stored, () => Kept?.Invoke(prefetched));
            }
        }

        var digests = await DigestsAsync(scope).WaitAsync(cancellationToken);
        _claims.AddStored(digests, () => Kept?.Invoke(scope));
        var sink = new ScopeSink(scope, new EvaluationStager(digests) { Kept = Kept?.Invoke(scope), Claims = _claims },
            CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken));
        if (_streams < _maxStreams)
        {
            _streams++;
            var channel = Channel.CreateBounded<IReadOnlyList<StagedEvaluation>>(new BoundedChannelOptions(ChannelCapacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            sink.Channel = channel;
            var token = sink.Cancellation.Token;
            var stager = sink.Stager;
            sink.Merge = Task.Run(() => _store.MergeScopeAsync(_scan, scope, stager, channel.Reader.ReadAllAsync(token), token), token);

            // A merge that ends early (database error) must not leave the scan blocked on a full channel.
            _ = sink.Merge.ContinueWith(t => channel.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else
        {
            sink.Buffered = true;
        }

        _sinks.Add(scope, sink);
        _order.Add(sink);
        return sink;
    }

    private Lazy<Task<ScopeDigests>> Digests(string scope) =>
        _digests.GetOrAdd(scope, s => new Lazy<Task<ScopeDigests>>(() => _store.LoadScopeDigestsAsync(_scan, s, _cancellationToken)));

    private static async Task SendAsync(ScopeSink sink, CancellationToken cancellationToken)
    {
        var batch = sink.Batch;
        sink.Batch = new List<StagedEvaluation>(FindingStore.StageBatchSize);
        try
        {
            await sink.Channel!.Writer.WriteAsync(batch, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The merge ended before its input did: a database error (rethrown as is) or a failed COPY.
            var result = await sink.Merge!;
            throw new NpgsqlException($"storing scope {sink.Scope} failed: {result.Reason}");
        }
    }

    private static async Task AbandonAsync(ScopeSink sink)
    {
        sink.Buffered = false;
        sink.Batch = [];
        if (sink.Merge is not { } merge)
        {
            return;
        }

        sink.Merge = null;
        await sink.Cancellation.CancelAsync();
        try
        {
            await merge;
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException or IOException)
        {
            // Expected: the staging COPY was cancelled (or had already failed) and the merge transaction rolled back.
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> Stream(List<StagedEvaluation> rows)
    {
        for (var i = 0; i < rows.Count; i += FindingStore.StageBatchSize)
        {
            yield return rows.GetRange(i, Math.Min(FindingStore.StageBatchSize, rows.Count - i));
        }

        await Task.CompletedTask;
    }

    private sealed class ScopeSink(string scope, EvaluationStager stager, CancellationTokenSource cancellation)
    {
        public string Scope { get; } = scope;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public EvaluationStager Stager { get; } = stager;

        /// <summary>Rows not yet sent: the current batch of a streaming merge, or all rows of a buffered one.</summary>
        public List<StagedEvaluation> Batch { get; set; } = new(FindingStore.StageBatchSize);

        public Channel<IReadOnlyList<StagedEvaluation>>? Channel { get; set; }

        public Task<ScopeMergeResult>? Merge { get; set; }

        /// <summary>True while the scope's rows are held in <see cref="Batch"/> until the stream ends (no connection was free for it).</summary>
        public bool Buffered { get; set; }
    }
}

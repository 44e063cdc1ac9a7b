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
/// (binary COPY into the merge's staging table) while the scan runs. Each evaluation is turned into a
/// staged row on the scan's thread (<see cref="EvaluationStager"/>: strings and hashes, no native JSON)
/// and rows cross to the merge in batches, so memory holds a few batches per scope and the hand-off
/// costs nothing per row. Nothing is committed until the whole input has been read: only
/// then does <see cref="CompleteAsync"/> finish each merge (one transaction per scope, in the order the
/// scopes were first seen) or, when an input could not be read whole, cancel them all and record the
/// scopes as failed. Each streaming merge holds one connection, so beyond <c>maxStreams</c> scopes the
/// staged rows of further scopes are buffered in memory and merged after the stream ends.
/// </para>
/// </summary>
internal sealed class ScopeMergeRouter : IAsyncDisposable
{
    private const int ChannelCapacity = 4;

    private readonly FindingStore _store;
    private readonly ScanHandle _scan;
    private readonly int _maxStreams;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<string, ScopeSink> _sinks = new(StringComparer.Ordinal);
    private readonly List<ScopeSink> _order = [];
    private int _streams;

    public ScopeMergeRouter(FindingStore store, ScanHandle scan, int maxStreams, CancellationToken cancellationToken)
    {
        _store = store;
        _scan = scan;
        _maxStreams = maxStreams;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Scopes seen so far, in order of first record.</summary>
    public IReadOnlyList<string> Scopes => _order.Select(s => s.Scope).ToList();

    /// <summary>Passes the records through, opening a merge for each scope on its first record (a scope with records but no evaluation is still merged).</summary>
    public async IAsyncEnumerable<RawAsset> ObserveAsync(IAsyncEnumerable<RawAsset> assets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var asset in assets.WithCancellation(cancellationToken))
        {
            if (!_sinks.ContainsKey(asset.Scope))
            {
                Open(asset.Scope);
            }

            yield return asset;
        }
    }

    /// <summary>Routes one evaluation (not detached: the stager reads the resource's attributes and raw record) to its scope's merge.</summary>
    public async ValueTask WriteAsync(Evaluation evaluation, CancellationToken cancellationToken)
    {
        var scope = evaluation.Resource.Raw.Scope;
        if (!_sinks.TryGetValue(scope, out var sink))
        {
            sink = Open(scope);
        }

        if (sink.Stager.Stage(evaluation) is not { } row)
        {
            return;
        }

        sink.Batch.Add(row);
        if (!sink.Buffered && sink.Batch.Count == FindingStore.StageBatchSize)
        {
            await SendAsync(sink, cancellationToken);
        }
    }

    /// <summary>
    /// Ends every merge: with <paramref name="failure"/> null each scope is committed (one transaction per
    /// scope); otherwise each streaming merge is cancelled (its transaction rolls back) and every scope is
    /// recorded as failed with the reason, so nothing in this scan resolves or deletes anything.
    /// </summary>
    public async Task<IReadOnlyList<ScopeMergeResult>> CompleteAsync(string? failure, CancellationToken cancellationToken)
    {
        var results = new List<ScopeMergeResult>();
        foreach (var sink in _order)
        {
            if (failure is not null)
            {
                await AbandonAsync(sink);
                await _store.FailScopeAsync(_scan, sink.Scope, failure, cancellationToken);
                results.Add(new ScopeMergeResult { Scope = sink.Scope, Status = ScopeStatus.Failed, Reason = failure });
            }
            else if (sink.Buffered)
            {
                sink.Buffered = false;
                var rows = sink.Batch;
                sink.Batch = [];
                results.Add(await _store.MergeScopeAsync(_scan, sink.Scope, Stream(rows), cancellationToken));
            }
            else
            {
                // One scope after another, never side by side: a resource that moved between two scopes of
                // the scan is updated by one merge and deleted by the other, and two such merges running at
                // once deadlock (measured: 40P01 on a re-scan where 2% of resources changed scope).
                if (sink.Batch.Count > 0)
                {
                    await SendAsync(sink, cancellationToken);
                }

                sink.Channel!.Writer.TryComplete();
                results.Add(await sink.Merge!);
                sink.Merge = null;
            }
        }

        return results;
    }

    /// <summary>Cancels merges still open (the scan was abandoned): their transactions roll back, nothing is recorded.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var sink in _order)
        {
            await AbandonAsync(sink);
            sink.Cancellation.Dispose();
        }
    }

    private ScopeSink Open(string scope)
    {
        var sink = new ScopeSink(scope, CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken));
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
            sink.Merge = Task.Run(() => _store.MergeScopeAsync(_scan, scope, channel.Reader.ReadAllAsync(token), token), token);

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

    private sealed class ScopeSink(string scope, CancellationTokenSource cancellation)
    {
        public string Scope { get; } = scope;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public EvaluationStager Stager { get; } = new();

        /// <summary>Rows not yet sent: the current batch of a streaming merge, or all rows of a buffered one.</summary>
        public List<StagedEvaluation> Batch { get; set; } = new(FindingStore.StageBatchSize);

        public Channel<IReadOnlyList<StagedEvaluation>>? Channel { get; set; }

        public Task<ScopeMergeResult>? Merge { get; set; }

        /// <summary>True while the scope's rows are held in <see cref="Batch"/> until the stream ends (no connection was free for it).</summary>
        public bool Buffered { get; set; }
    }
}

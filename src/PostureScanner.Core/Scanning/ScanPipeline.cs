using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;
using PostureScanner.Core.Policy;

namespace PostureScanner.Core.Scanning;

/// <summary>
/// The streaming middle of every scan: native records in, evaluations out, one record in memory
/// at a time. Readers feed it from files (offline) or collectors (live); the caller decides what
/// to keep (a report, the store).
/// </summary>
public sealed class ScanPipeline
{
    private readonly Normalizer _normalizer;
    private readonly Evaluation.Evaluator _evaluator;
    private readonly ScanPolicy _policy;

    public ScanPipeline(Normalizer normalizer, Evaluation.Evaluator evaluator, ScanPolicy policy)
    {
        _normalizer = normalizer;
        _evaluator = evaluator;
        _policy = policy;
    }

    public ScanCounters Counters { get; } = new();

    /// <summary>
    /// Streams evaluations. With <paramref name="readAhead"/> above 0, reading (parsing and canonicalizing JSON) runs on its own task, ahead of
    /// normalizing and evaluating by at most <paramref name="readAhead"/> records (0: one task), so the two halves
    /// use two cores while memory stays bounded. A reader exception surfaces here, in order.
    /// Off by default: measured on the 2-core machines (tests/PostureScanner.Benchmarks, 150k records)
    /// the read-ahead task made the whole scan about 3x slower (34 s against 11 s), batched or not; the
    /// cause (GC or lock contention between the two allocating threads) is for the performance work.
    /// </summary>
    public async IAsyncEnumerable<Evaluation.Evaluation> RunAsync(IAsyncEnumerable<RawAsset> assets, [EnumeratorCancellation] CancellationToken cancellationToken, int readAhead = 0)
    {
        if (readAhead <= 0)
        {
            await foreach (var evaluation in EvaluateAsync(assets.WithCancellation(cancellationToken)))
            {
                yield return evaluation;
            }

            yield break;
        }

        // Batches, not single records: per-item channel hand-offs cost more than the work they move.
        const int batchSize = 256;
        var channel = Channel.CreateBounded<List<RawAsset>>(new BoundedChannelOptions(Math.Max(1, readAhead / batchSize)) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var batch = new List<RawAsset>(batchSize);
                    await foreach (var asset in assets.WithCancellation(stop.Token))
                    {
                        batch.Add(asset);
                        if (batch.Count == batchSize)
                        {
                            await channel.Writer.WriteAsync(batch, stop.Token);
                            batch = new List<RawAsset>(batchSize);
                        }
                    }

                    if (batch.Count > 0)
                    {
                        await channel.Writer.WriteAsync(batch, stop.Token);
                    }

                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var evaluation in EvaluateAsync(Flatten(channel.Reader.ReadAllAsync(cancellationToken)).WithCancellation(cancellationToken)))
            {
                yield return evaluation;
            }
        }
        finally
        {
            // The consumer stopped early (or failed): stop the reader too and wait for it.
            await stop.CancelAsync();
            await producer;
        }
    }

    private static async IAsyncEnumerable<RawAsset> Flatten(IAsyncEnumerable<List<RawAsset>> batches)
    {
        await foreach (var batch in batches)
        {
            foreach (var asset in batch)
            {
                yield return asset;
            }
        }
    }

    private async IAsyncEnumerable<Evaluation.Evaluation> EvaluateAsync(ConfiguredCancelableAsyncEnumerable<RawAsset> assets)
    {
        await foreach (var asset in assets)
        {
            Counters.AddRecord();
            var mapped = false;
            foreach (var resource in _normalizer.Normalize(asset))
            {
                mapped = true;
                Counters.AddResource();
                foreach (var control in _evaluator.For(resource))
                {
                    if (_policy.Excludes(control.Definition, resource) is not null)
                    {
                        Counters.AddExcluded();
                        continue;
                    }

                    if (_evaluator.Evaluate(control, resource) is { } evaluation)
                    {
                        Counters.Add(evaluation.Status);
                        yield return evaluation;
                    }
                }
            }

            if (!mapped)
            {
                Counters.AddUnmapped();
            }
        }
    }
}

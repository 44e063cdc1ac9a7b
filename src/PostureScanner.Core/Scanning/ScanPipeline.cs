using System.Runtime.CompilerServices;
using PostureScanner.Core.Controls.Conditions;
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

    /// <summary>Until when the clock cannot change the resource being evaluated: one per pipeline, reset per resource.</summary>
    private readonly ClockHorizon _horizon = new();

    /// <summary>
    /// Called once each resource is evaluated, with the number of its evaluations a policy exclusion left
    /// out and until when the clock cannot change its evaluations (<see cref="ClockHorizon"/>; null:
    /// never), before the pipeline moves on (a resource without evaluations too): the store counts the
    /// resources a record made, and knows how long its stored evaluations hold.
    /// </summary>
    public Action<Resource, int, DateTimeOffset?>? ResourceEvaluated { get; init; }

    /// <summary>
    /// Called once all resources of a record are evaluated, before the pipeline asks for the next record:
    /// a stored scan ends the record's staging there, before the reader keeps any later record.
    /// </summary>
    public Action<RawAsset>? RecordEvaluated { get; init; }

    /// <summary>
    /// Streams evaluations, one native record in memory at a time. (Reading on a second task ahead of
    /// evaluation was measured on the 2-core machines: slower, batched or not, since the evaluating core
    /// walks JSON trees the reading core built; a stored scan reads whole files side by side instead.)
    /// </summary>
    public async IAsyncEnumerable<Evaluation.Evaluation> RunAsync(IAsyncEnumerable<RawAsset> assets, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var asset in assets.WithCancellation(cancellationToken))
        {
            foreach (var evaluation in Evaluate(asset))
            {
                yield return evaluation;
            }

            RecordEvaluated?.Invoke(asset);
        }
    }

    /// <summary>The evaluations of one record (not thread-safe: one pipeline per thread that evaluates).</summary>
    public IEnumerable<Evaluation.Evaluation> Evaluate(RawAsset asset)
    {
        Counters.AddRecord();
        var mapped = false;
        foreach (var resource in _normalizer.Normalize(asset))
        {
            mapped = true;
            Counters.AddResource();
            var excluded = 0;
            _horizon.Reset();
            foreach (var control in _evaluator.For(resource))
            {
                if (_policy.Excludes(control.Definition, resource) is not null)
                {
                    Counters.AddExcluded();
                    excluded++;
                    continue;
                }

                if (_evaluator.Evaluate(control, resource, _horizon) is { } evaluation)
                {
                    Counters.Add(evaluation);
                    yield return evaluation;
                }
            }

            ResourceEvaluated?.Invoke(resource, excluded, _horizon.Until);
        }

        if (!mapped)
        {
            Counters.AddUnmapped();
        }
    }
}

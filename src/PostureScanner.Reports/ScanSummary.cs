using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Scanning;

namespace PostureScanner.Reports;

/// <summary>The <c>scan</c> block of <c>posture scan --format json</c>: what was read and how it evaluated.</summary>
public sealed record ScanSummary
{
    /// <summary>Normalized resources evaluated.</summary>
    public required long Resources { get; init; }

    /// <summary>Evaluations by status, passes included even when they are not listed.</summary>
    public required EvaluationCounts Evaluations { get; init; }

    /// <summary>Evaluations left out of the results by exclusions (suppressions, policy filters).</summary>
    public required long Excluded { get; init; }

    /// <summary>The input files, in the order they were read.</summary>
    public required IReadOnlyList<SnapshotInput> Inputs { get; init; }

    /// <summary>The summary of a scan run through <see cref="ScanPipeline"/>, from its counters.</summary>
    public static ScanSummary From(ScanCounters counters, IReadOnlyList<SnapshotInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return new ScanSummary
        {
            Resources = counters.Resources,
            Evaluations = new EvaluationCounts(
                counters[EvaluationStatus.Pass], counters[EvaluationStatus.Fail], counters[EvaluationStatus.Unknown], counters[EvaluationStatus.Error]),
            Excluded = counters.Excluded,
            Inputs = inputs,
        };
    }
}

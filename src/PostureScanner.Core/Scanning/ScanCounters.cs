using PostureScanner.Core.Evaluation;

namespace PostureScanner.Core.Scanning;

/// <summary>Running totals of a scan; the summary counts include passes even when the output leaves them out.</summary>
public sealed class ScanCounters
{
    private readonly long[] _byStatus = new long[Enum.GetValues<EvaluationStatus>().Length];

    /// <summary>Native records read.</summary>
    public long Records { get; private set; }

    /// <summary>Normalized resources evaluated.</summary>
    public long Resources { get; private set; }

    /// <summary>Records whose native type no mapping covers.</summary>
    public long Unmapped { get; private set; }

    /// <summary>Evaluations skipped by a policy exclusion.</summary>
    public long Excluded { get; private set; }

    public long this[EvaluationStatus status] => _byStatus[(int)status];

    public long Evaluations => _byStatus.Sum();

    internal void AddRecord() => Records++;

    internal void AddResource() => Resources++;

    internal void AddUnmapped() => Unmapped++;

    internal void AddExcluded() => Excluded++;

    internal void Add(EvaluationStatus status) => _byStatus[(int)status]++;
}

using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Postgres.Findings;

/// <summary>One transition in a finding's history.</summary>
public sealed record FindingEventRecord
{
    public required long Id { get; init; }

    public required FindingEventKind Kind { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The scan that caused it; null for suppression changes.</summary>
    public long? ScanId { get; init; }

    public EvaluationStatus? FromStatus { get; init; }

    public required EvaluationStatus ToStatus { get; init; }

    public Severity? FromSeverity { get; init; }

    public required Severity ToSeverity { get; init; }

    public long? SuppressionId { get; init; }
}

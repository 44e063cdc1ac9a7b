using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>One finding that changed between two scans.</summary>
public sealed record DiffEntry
{
    public required string Fingerprint { get; init; }

    public required string ControlId { get; init; }

    public required Provider Provider { get; init; }

    public required string ResourceId { get; init; }

    public required EvaluationStatus Status { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>Severity before the range when it changed.</summary>
    public Severity? PreviousSeverity { get; init; }
}

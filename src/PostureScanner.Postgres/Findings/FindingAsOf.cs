using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>The state of one finding at a past instant, rebuilt from its events.</summary>
public sealed record FindingAsOf
{
    public required string Fingerprint { get; init; }

    public required string ControlId { get; init; }

    public required Provider Provider { get; init; }

    public required string ResourceId { get; init; }

    public required EvaluationStatus Status { get; init; }

    public required Severity Severity { get; init; }

    public required FindingState State { get; init; }
}

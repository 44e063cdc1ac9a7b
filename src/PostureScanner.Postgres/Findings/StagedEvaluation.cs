namespace PostureScanner.Postgres.Findings;

/// <summary>
/// One evaluation as the merge's staging table receives it: plain strings and hashes, with no reference
/// to the native record, so a scan can queue thousands of them per scope without keeping the JSON trees
/// of their resources alive (that retention made the garbage collector the largest cost of a stored scan).
/// </summary>
public sealed class StagedEvaluation
{
    public required string Fingerprint { get; init; }

    public required string ControlId { get; init; }

    public required string Provider { get; init; }

    public required string ResourceKey { get; init; }

    public required string Status { get; init; }

    public required string Severity { get; init; }

    public required IReadOnlyList<string> Nist { get; init; }

    public required string EvidenceJson { get; init; }

    public string? Message { get; init; }

    public required ReadOnlyMemory<byte> ContentHash { get; init; }

    /// <summary>The resource's row, on the first evaluation of each resource only.</summary>
    public StagedResource? Resource { get; init; }
}

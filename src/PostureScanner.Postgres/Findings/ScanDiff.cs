namespace PostureScanner.Postgres.Findings;

/// <summary>
/// What changed after scan <see cref="FromScanId"/> up to and including <see cref="ToScanId"/>, netted per
/// finding (its last transition in the range decides the list).
/// </summary>
public sealed record ScanDiff
{
    public long? FromScanId { get; init; }

    public required long ToScanId { get; init; }

    public required IReadOnlyList<DiffEntry> New { get; init; }

    public required IReadOnlyList<DiffEntry> Resolved { get; init; }

    public required IReadOnlyList<DiffEntry> Reopened { get; init; }

    public required IReadOnlyList<DiffEntry> SeverityChanged { get; init; }
}

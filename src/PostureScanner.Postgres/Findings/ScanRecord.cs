namespace PostureScanner.Postgres.Findings;

/// <summary>A stored scan with its per-scope outcomes (<c>posture scans list</c>).</summary>
public sealed record ScanRecord
{
    public required long Id { get; init; }

    public required string Target { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public required ScanStatus Status { get; init; }

    public required string ControlSetHash { get; init; }

    public required IReadOnlyList<ScanScopeRecord> Scopes { get; init; }
}

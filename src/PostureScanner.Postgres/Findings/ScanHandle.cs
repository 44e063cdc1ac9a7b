namespace PostureScanner.Postgres.Findings;

/// <summary>A running scan, returned by <see cref="FindingStore.BeginScanAsync"/>.</summary>
public sealed record ScanHandle
{
    public required long ScanId { get; init; }

    public required long TargetId { get; init; }

    public required string Target { get; init; }

    public required string ControlSetHash { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}

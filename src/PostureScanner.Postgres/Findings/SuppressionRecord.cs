namespace PostureScanner.Postgres.Findings;

/// <summary>A stored suppression with the number of findings it covers now.</summary>
public sealed record SuppressionRecord
{
    public required long Id { get; init; }

    public string? Fingerprint { get; init; }

    public string? ControlId { get; init; }

    public string? ResourcePattern { get; init; }

    public string? TagKey { get; init; }

    public string? TagValue { get; init; }

    public required string Reason { get; init; }

    public required string Owner { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RemovedAt { get; init; }

    public required bool Active { get; init; }

    public required int Findings { get; init; }
}

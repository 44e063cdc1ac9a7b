namespace PostureScanner.Postgres.Findings;

/// <summary>
/// A risk acceptance to add. Every selector given must match (fingerprint, control id, glob over the
/// native id with <c>*</c>, tag key with optional value); at least one is required.
/// </summary>
public sealed record SuppressionRequest
{
    public string? Fingerprint { get; init; }

    public string? ControlId { get; init; }

    public string? ResourcePattern { get; init; }

    public string? TagKey { get; init; }

    public string? TagValue { get; init; }

    public required string Reason { get; init; }

    public required string Owner { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }
}

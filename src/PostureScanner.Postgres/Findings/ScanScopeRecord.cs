namespace PostureScanner.Postgres.Findings;

/// <summary>One scope of a stored scan.</summary>
public sealed record ScanScopeRecord
{
    public required string Scope { get; init; }

    public required ScopeStatus Status { get; init; }

    public string? Reason { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public int Evaluations { get; init; }

    public int Resources { get; init; }

    public int Inserted { get; init; }

    public int Changed { get; init; }

    public int Resolved { get; init; }

    public int Unchanged { get; init; }
}

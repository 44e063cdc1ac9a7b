namespace PostureScanner.Postgres.Findings;

/// <summary>What merging one scope did. A failed scope changed nothing but its scan record.</summary>
public sealed record ScopeMergeResult
{
    public required string Scope { get; init; }

    public required ScopeStatus Status { get; init; }

    /// <summary>Why the scope failed (the reader's or collector's error).</summary>
    public string? Reason { get; init; }

    public int Evaluations { get; init; }

    public int Resources { get; init; }

    /// <summary>Resources whose evaluation digest matched the stored one: only their ids were staged, their rows kept.</summary>
    public int UnchangedResources { get; init; }

    /// <summary>Findings seen for the first time.</summary>
    public int Inserted { get; init; }

    /// <summary>Findings rewritten because their content hash changed (or they came back).</summary>
    public int Changed { get; init; }

    /// <summary>Findings absent from this completed scope (resource deleted or no longer evaluated) that were marked missing.</summary>
    public int Missing { get; init; }

    /// <summary>Open findings resolved (passed now, or disappeared).</summary>
    public int Resolved { get; init; }

    /// <summary>Findings whose row was not touched.</summary>
    public int Unchanged { get; init; }

    public int Events { get; init; }

    public int OutboxRows { get; init; }

    /// <summary>True for the first completed scan of the scope: one baseline digest instead of one notification per finding.</summary>
    public bool Baseline { get; init; }
}

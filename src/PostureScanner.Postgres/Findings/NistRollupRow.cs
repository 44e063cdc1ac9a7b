using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>Current evaluation counts of one NIST control on one provider (evidence for auditors).</summary>
public sealed record NistRollupRow
{
    /// <summary>Catalog form (<c>ac-2.1</c>).</summary>
    public required string NistId { get; init; }

    public required Provider Provider { get; init; }

    public required int Pass { get; init; }

    public required int Fail { get; init; }

    public required int Unknown { get; init; }

    public required int Error { get; init; }
}

namespace PostureScanner.Postgres.Findings;

/// <summary>The current state of one resource as staged for the merge (see <see cref="StagedEvaluation"/>).</summary>
public sealed class StagedResource
{
    public required string NativeId { get; init; }

    public required string NativeType { get; init; }

    public required string Type { get; init; }

    public required string Account { get; init; }

    public required string Region { get; init; }

    public required string Name { get; init; }

    public required string TagsJson { get; init; }

    public required string AttributesJson { get; init; }

    public required ReadOnlyMemory<byte> RawHash { get; init; }

    public required ReadOnlyMemory<byte> ContentHash { get; init; }

    /// <summary>See migration 0003 and <see cref="EvaluationStager"/>.</summary>
    public required ReadOnlyMemory<byte> EvaluationDigest { get; init; }

    /// <summary>See migration 0006: the hash of the record that alone made the resource, or null.</summary>
    public ReadOnlyMemory<byte>? RecordHash { get; init; }

    public int RecordResources { get; init; }

    /// <summary>See migration 0007: until when the clock cannot change the record's evaluations; null: forever.</summary>
    public DateTimeOffset? StableUntil { get; init; }

    /// <summary>See <see cref="Findings.EvaluationCounts"/>.</summary>
    public required IReadOnlyList<int> EvaluationCounts { get; init; }
}

namespace PostureScanner.Postgres.Findings;

/// <summary>A finding with its full history (<c>posture findings show</c>).</summary>
public sealed record FindingDetail
{
    public required FindingRecord Finding { get; init; }

    public required IReadOnlyList<FindingEventRecord> History { get; init; }
}

using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>Filters of <c>posture findings list</c>; null means any.</summary>
public sealed record FindingFilter
{
    public FindingState? State { get; init; }

    public Severity? Severity { get; init; }

    public string? ControlId { get; init; }

    public Provider? Provider { get; init; }

    /// <summary>NIST id in display (<c>AC-3</c>) or catalog (<c>ac-3</c>) form.</summary>
    public string? Nist { get; init; }

    /// <summary>Findings first seen, or with a transition, at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    public string? Target { get; init; }

    public int? Limit { get; init; }
}

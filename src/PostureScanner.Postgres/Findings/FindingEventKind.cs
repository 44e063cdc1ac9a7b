namespace PostureScanner.Postgres.Findings;

/// <summary>Transitions recorded in <c>finding_events</c>; stored snake_case.</summary>
public enum FindingEventKind
{
    Opened,
    Resolved,
    Reopened,
    StatusChanged,
    SeverityChanged,
    Suppressed,
    Unsuppressed,
    SuppressionExpired,
}

using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>The lowercase spellings the database stores, and back (DECISIONS 8).</summary>
internal static class StoreNames
{
    public static string ToName(this FindingState state) => state switch
    {
        FindingState.Open => "open",
        FindingState.Resolved => "resolved",
        FindingState.Suppressed => "suppressed",
        FindingState.Pass => "pass",
        FindingState.Unknown => "unknown",
        FindingState.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static FindingState ParseState(string value) =>
        Enum.GetValues<FindingState>().First(s => s.ToName() == value);

    public static string ToName(this FindingEventKind kind) => kind switch
    {
        FindingEventKind.Opened => "opened",
        FindingEventKind.Resolved => "resolved",
        FindingEventKind.Reopened => "reopened",
        FindingEventKind.StatusChanged => "status_changed",
        FindingEventKind.SeverityChanged => "severity_changed",
        FindingEventKind.Suppressed => "suppressed",
        FindingEventKind.Unsuppressed => "unsuppressed",
        FindingEventKind.SuppressionExpired => "suppression_expired",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static FindingEventKind ParseKind(string value) =>
        Enum.GetValues<FindingEventKind>().First(k => k.ToName() == value);

    public static ScanStatus ParseScanStatus(string value) => value switch
    {
        "running" => ScanStatus.Running,
        "completed" => ScanStatus.Completed,
        "partial" => ScanStatus.Partial,
        "failed" => ScanStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static string ToName(this ScanStatus status) => status.ToString().ToLowerInvariant();

    public static ScopeStatus ParseScopeStatus(string value) => value == "completed" ? ScopeStatus.Completed : ScopeStatus.Failed;

    public static EvaluationStatus ParseStatus(string value) =>
        Vocabulary.TryParseStatus(value, out var s) ? s : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    public static Severity ParseSeverity(string value) =>
        Vocabulary.TryParseSeverity(value, out var s) ? s : throw new ArgumentOutOfRangeException(nameof(value), value, null);

    public static Provider ParseProvider(string value) =>
        ProviderNames.TryParse(value, out var p) ? p : throw new ArgumentOutOfRangeException(nameof(value), value, null);
}

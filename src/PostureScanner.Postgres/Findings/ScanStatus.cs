namespace PostureScanner.Postgres.Findings;

/// <summary>Scan outcome: partial when some scopes failed, failed when all did (or none completed).</summary>
public enum ScanStatus
{
    Running,
    Completed,
    Partial,
    Failed,
}

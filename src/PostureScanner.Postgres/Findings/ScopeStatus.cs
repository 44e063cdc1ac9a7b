namespace PostureScanner.Postgres.Findings;

/// <summary>How a scope ended in a scan; stored lowercase.</summary>
public enum ScopeStatus
{
    Completed,
    Failed,
}

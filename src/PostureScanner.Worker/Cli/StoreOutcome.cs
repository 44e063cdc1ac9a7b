using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>What storing a scan did: the scan, its final status, each scope's merge, and why scopes failed (null when none did).</summary>
internal sealed record StoreOutcome(ScanHandle Scan, ScanStatus Status, IReadOnlyList<ScopeMergeResult> Scopes, string? Failure);

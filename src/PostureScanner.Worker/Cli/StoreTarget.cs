namespace PostureScanner.Worker.Cli;

/// <summary>
/// Where a scan is stored: the session, the target name it is recorded under, optional hooks, and how many
/// workers read its files side by side when it writes no per-result report (see <see cref="ParallelRead"/>).
/// </summary>
internal sealed record StoreTarget(StoreSession Session, string Target, ScanHooks? Hooks = null, int Workers = 1);

namespace PostureScanner.Worker.Cli;

/// <summary>Where a scan is stored: the session, the target name it is recorded under, and optional hooks.</summary>
internal sealed record StoreTarget(StoreSession Session, string Target, ScanHooks? Hooks = null);

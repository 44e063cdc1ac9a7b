namespace PostureScanner.Core.Inventory;

/// <summary>A probe of a file's first bytes, the syntax error it met (null when none, or when the cut at the probe length may explain it), and whether the file is longer than the probe.</summary>
internal sealed record SnapshotProbeResult(SnapshotProbe Probe, string? Error, bool Truncated);

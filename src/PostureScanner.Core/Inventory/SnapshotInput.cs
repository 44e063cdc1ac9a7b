namespace PostureScanner.Core.Inventory;

/// <summary>What happened to one input file: its detected format, records read, and the error that stopped it (null when read whole).</summary>
public sealed record SnapshotInput(string Path, string? Format, long Resources, string? Error);

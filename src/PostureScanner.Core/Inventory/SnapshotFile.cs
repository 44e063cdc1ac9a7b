namespace PostureScanner.Core.Inventory;

/// <summary>An input file; <see cref="Open"/> returns the content already decompressed (gzip is detected by magic bytes).</summary>
public sealed record SnapshotFile(string Path, Func<Stream> Open);

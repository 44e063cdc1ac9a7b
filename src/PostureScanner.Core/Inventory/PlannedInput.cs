namespace PostureScanner.Core.Inventory;

/// <summary>An input file after probing: the format that will read it, or the error that stops it before reading.</summary>
public sealed record PlannedInput(string Path, ISnapshotFormat? Format, string? Error)
{
    public int Phase => Format?.Phase ?? 1;
}

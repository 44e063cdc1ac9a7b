namespace PostureScanner.Core.Inventory;

/// <summary>An input file after probing: the format that will read it, or the error that stops it before reading.</summary>
public sealed record PlannedInput(string Path, ISnapshotFormat? Format, string? Error)
{
    public int Phase => Format?.Phase ?? 1;

    /// <summary>Whether the file must be read in plan order with the other files of formats that share session state (see <see cref="ISnapshotFormat.SharesSession"/>).</summary>
    public bool SharesSession => Format?.SharesSession ?? false;
}

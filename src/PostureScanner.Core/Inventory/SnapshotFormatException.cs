namespace PostureScanner.Core.Inventory;

/// <summary>Malformed content in an input file; the message names the file and the position (line, column or byte).</summary>
public sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException()
    {
    }

    public SnapshotFormatException(string message)
        : base(message)
    {
    }

    public SnapshotFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace PostureScanner.Core.Inventory;

/// <summary>
/// One file format a user really has (a Config snapshot, a Resource Graph response, a CAI export).
/// Formats are picked by content (<see cref="Matches"/>), never by file name, and stream their
/// records as canonical <see cref="RawAsset"/>s (docs/canonical-records.md).
/// </summary>
public interface ISnapshotFormat
{
    /// <summary>Stable name shown in scan inputs, e.g. <c>aws-config-snapshot</c>.</summary>
    string Name { get; }

    Provider Provider { get; }

    /// <summary>Files of lower phases are read first (GCP IAM-policy exports, so resources can be joined with them).</summary>
    int Phase => 1;

    /// <summary>
    /// True when the format keeps state across files in the <see cref="SnapshotSession"/> (GCP's IAM-policy
    /// join): its files are read one after another, through one session, in reading order. Files of other
    /// formats stand alone and may be read side by side.
    /// </summary>
    bool SharesSession => false;

    bool Matches(SnapshotProbe probe);

    /// <summary>Streams the file's records; throws <see cref="SnapshotFormatException"/> (with position) on malformed content.</summary>
    IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, CancellationToken cancellationToken);

    /// <summary>Called once after every file was read: emits what only the whole set could complete (orphan IAM policies).</summary>
    IAsyncEnumerable<RawAsset> CompleteAsync(SnapshotSession session, CancellationToken cancellationToken) => AsyncEnumerable.Empty<RawAsset>();
}

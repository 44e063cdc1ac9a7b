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

    /// <summary>
    /// Files of phase 0 (GCP IAM-policy exports) are read first, one after another, through the read's
    /// <see cref="SnapshotSession"/>; files of later phases each through a session of their own
    /// (<see cref="SnapshotSession.ForFile"/>) that sees what phase 0 left, so they can be read side by side.
    /// </summary>
    int Phase => 1;

    bool Matches(SnapshotProbe probe);

    /// <summary>Streams the file's records; throws <see cref="SnapshotFormatException"/> (with position) on malformed content.</summary>
    IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, CancellationToken cancellationToken);

    /// <summary>Called once after every file was read: emits what only the whole set could complete (orphan IAM policies).</summary>
    IAsyncEnumerable<RawAsset> CompleteAsync(SnapshotSession session, CancellationToken cancellationToken) => AsyncEnumerable.Empty<RawAsset>();
}

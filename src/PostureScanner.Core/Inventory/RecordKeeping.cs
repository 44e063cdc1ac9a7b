namespace PostureScanner.Core.Inventory;

/// <summary>Whether a record (its bytes) may be kept unparsed at this point of the read, for formats whose records can depend on others.</summary>
public delegate bool RecordGate(ReadOnlySpan<byte> record);

/// <summary>
/// What the record readers of <see cref="SnapshotJson"/> need to hash records and let the session's
/// filter keep them: the session, the format's name (the hash's seed) and, for a format whose records
/// are joined with others (GCP IAM policies), a gate saying when one stands alone.
/// </summary>
public sealed record RecordKeeping(SnapshotSession Session, string Format, RecordGate? Gate = null);

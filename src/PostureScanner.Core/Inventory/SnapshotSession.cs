namespace PostureScanner.Core.Inventory;

/// <summary>
/// State the formats keep while reading (e.g. the GCP IAM policy index): one session for the read, through
/// which the files of phase 0 are read one after another, and one per file of a later phase
/// (<see cref="ForFile"/>), whose formats may look at what the read's session holds once phase 0 is read,
/// but not at other files': so those files can be read in any order, or side by side, with the same result.
/// </summary>
public sealed class SnapshotSession
{
    private readonly Dictionary<Type, object> _state = [];

    /// <summary>
    /// When set, records are hashed as read (<see cref="RawAsset.RecordHash"/>), and a record the filter
    /// keeps is not parsed at all (see <see cref="IRecordFilter"/>).
    /// </summary>
    public IRecordFilter? Records { get; init; }

    /// <summary>The read's session, for a session of one file of a later phase (null for the read's own).</summary>
    public SnapshotSession? Parent { get; private init; }

    /// <summary>A session for one file of a later phase: its own state and count, the given filter (default: this session's), this session as <see cref="Parent"/>.</summary>
    public SnapshotSession ForFile(IRecordFilter? records = null) => new() { Records = records ?? Records, Parent = this };

    /// <summary>Records the filter kept so far (they are read, but never become assets).</summary>
    public long KeptRecords { get; private set; }

    /// <summary>
    /// Whether the record at the reader (an object, whole in its buffer) is kept: hashed with the format's
    /// name, asked of <see cref="Records"/> when <paramref name="keepable"/>. Returns the hash to give the
    /// asset when it is not kept (null without a filter, or when the record cannot vouch for its asset alone).
    /// </summary>
    public bool TryKeep(ReadOnlySpan<byte> record, string format, bool keepable, out UInt128? hash)
    {
        hash = null;
        if (Records is not { } filter || !keepable)
        {
            return false;
        }

        var value = RecordHashes.Of(record, format);
        if (filter.TryKeep(value))
        {
            KeptRecords++;
            return true;
        }

        hash = value;
        return false;
    }

    /// <summary>The session's state of one kind, created on first use (safe from several threads: files of a later phase look up their parent's).</summary>
    public T State<T>()
        where T : class, new()
    {
        lock (_state)
        {
            if (!_state.TryGetValue(typeof(T), out var value))
            {
                _state[typeof(T)] = value = new T();
            }

            return (T)value;
        }
    }
}

namespace PostureScanner.Core.Inventory;

/// <summary>State shared by the formats during one read of a set of inputs (e.g. the GCP IAM policy index).</summary>
public sealed class SnapshotSession
{
    private readonly Dictionary<Type, object> _state = [];

    /// <summary>
    /// When set, records are hashed as read (<see cref="RawAsset.RecordHash"/>), and a record the filter
    /// keeps is not parsed at all (see <see cref="IRecordFilter"/>).
    /// </summary>
    public IRecordFilter? Records { get; init; }

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

    public T State<T>()
        where T : class, new()
    {
        if (!_state.TryGetValue(typeof(T), out var value))
        {
            _state[typeof(T)] = value = new T();
        }

        return (T)value;
    }
}

namespace PostureScanner.Postgres.Findings;

/// <summary>A stored resource as a kept record accounts for it: its scope key, id, type and evaluation counts (<see cref="EvaluationCounts"/>).</summary>
public sealed record StoredRecordResource(UInt128 KeyHash, long Id, string Provider, string Type, IReadOnlyList<int> Counts);

/// <summary>The resources one record made when it was last merged, in one scope.</summary>
public sealed record StoredRecord(string Scope, int Resources, List<StoredRecordResource> Stored);

/// <summary>
/// The records of a target a scan may keep unparsed, by record hash (migration 0006): those whose
/// resources were last merged under the scan's control-set hash (same controls, policy, mappings and
/// scanner). A record is listed only when every resource it made is stored with the hash; callers drop
/// those they must evaluate anyway (types with a clock-reading control).
/// </summary>
public sealed class StoredRecords
{
    public static readonly StoredRecords None = new([]);

    private readonly Dictionary<UInt128, StoredRecord> _records;

    public StoredRecords(Dictionary<UInt128, StoredRecord> records)
    {
        _records = records;
    }

    public int Count => _records.Count;

    public bool TryGet(UInt128 recordHash, out StoredRecord record) => _records.TryGetValue(recordHash, out record!);

    /// <summary>Drops every record one of whose resources matches <paramref name="mustEvaluate"/>.</summary>
    public StoredRecords Without(Func<StoredRecordResource, bool> mustEvaluate)
    {
        ArgumentNullException.ThrowIfNull(mustEvaluate);
        foreach (var (hash, record) in _records)
        {
            if (record.Stored.Exists(r => mustEvaluate(r)))
            {
                _records.Remove(hash);
            }
        }

        return this;
    }
}

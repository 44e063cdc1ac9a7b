using PostureScanner.Core.Inventory;
using PostureScanner.Core.Scanning;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// The record filter of a stored scan (<see cref="IRecordFilter"/>). Every record is hashed so its
/// resources store the hash; when the scan writes no per-result report, a record whose hash the
/// target's previous merges stored under the same control-set hash is kept unparsed: it is counted from
/// its stored resources, and their scope keeps them as they are (<see cref="ScopeMergeRouter"/>). Records
/// of types a clock-reading control evaluates are always read.
/// </summary>
internal sealed class RecordKeeper : IRecordFilter
{
    private readonly StoredRecords _records;
    private readonly ScanCounters _counters;
    private readonly Dictionary<string, List<StoredRecordResource>> _kept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<UInt128>> _keptKeys = new(StringComparer.Ordinal);

    public RecordKeeper(StoredRecords records, ScanCounters counters)
    {
        _records = records;
        _counters = counters;
    }

    /// <summary>Per scope, the stored resources of the records kept so far.</summary>
    public IReadOnlyDictionary<string, List<StoredRecordResource>> Kept => _kept;

    /// <summary>The keys of <paramref name="scope"/>'s resources kept so far, filled as records are kept (see <see cref="EvaluationStager.KeptKeys"/>).</summary>
    public HashSet<UInt128> KeptKeys(string scope)
    {
        if (!_keptKeys.TryGetValue(scope, out var keys))
        {
            _keptKeys[scope] = keys = [];
        }

        return keys;
    }

    public bool TryKeep(UInt128 recordHash)
    {
        if (!_records.TryGet(recordHash, out var record))
        {
            return false;
        }

        _counters.AddKeptRecord(record.Resources);
        if (!_kept.TryGetValue(record.Scope, out var scope))
        {
            _kept[record.Scope] = scope = [];
        }

        var keys = KeptKeys(record.Scope);
        foreach (var resource in record.Stored)
        {
            keys.Add(resource.KeyHash);
            var provider = ProviderNames.TryParse(resource.Provider, out var p) ? p : throw new InvalidOperationException($"stored provider '{resource.Provider}'");
            var counts = resource.Counts as int[] ?? [.. resource.Counts];
            _counters.AddKept(provider, counts.AsSpan(0, 4), counts.AsSpan(4));
            scope.Add(resource);
        }

        return true;
    }
}

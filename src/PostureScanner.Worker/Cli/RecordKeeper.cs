using PostureScanner.Core.Inventory;
using PostureScanner.Core.Scanning;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// The record filter of a stored scan (<see cref="IRecordFilter"/>). Every record is hashed so its
/// resources store the hash; when the scan writes no per-result report, a record whose hash the
/// target's previous merges stored under the same control-set hash is kept unparsed: it is counted from
/// its stored resources, and their scope keeps them as they are (<see cref="ScopeMergeRouter"/>). A record
/// whose evaluations the clock may have changed since (migration 0007) is read again.
/// </summary>
internal sealed class RecordKeeper : IRecordFilter
{
    private readonly StoredRecords _records;
    private readonly ScanCounters _counters;
    private readonly Dictionary<string, Dictionary<long, int>> _kept = new(StringComparer.Ordinal);

    public RecordKeeper(StoredRecords records, ScanCounters counters)
    {
        _records = records;
        _counters = counters;
    }

    /// <summary>Per scope, the stored resources of the records kept so far: id and evaluations.</summary>
    public IReadOnlyDictionary<string, Dictionary<long, int>> Kept => _kept;

    /// <summary>The resources of <paramref name="scope"/> kept so far, filled as records are kept (see <see cref="EvaluationStager.Kept"/>).</summary>
    public Dictionary<long, int> KeptIn(string scope)
    {
        if (!_kept.TryGetValue(scope, out var kept))
        {
            _kept[scope] = kept = [];
        }

        return kept;
    }

    public bool TryKeep(UInt128 recordHash)
    {
        if (!Find(recordHash, out var first))
        {
            return false;
        }

        Apply(first);
        return true;
    }

    /// <summary>Whether a stored record has this hash (its first resource row): the decision alone, safe on any thread.</summary>
    public bool Find(UInt128 recordHash, out int first) => _records.First(recordHash, out first);

    /// <summary>Keeps the stored record found by <see cref="Find"/>: counts it, and its scope takes its resources (in the scan's order).</summary>
    public void Apply(int first)
    {
        _counters.AddKeptRecord(_records.RecordResources(first));
        var kept = KeptIn(_records.Scope(first));
        for (var row = first; row >= 0; row = _records.Next(row))
        {
            var counts = _records.Counts(row);
            _counters.AddKept(_records.Provider(row), counts[..4], counts[4..]);
            kept[_records.Id(row)] = counts[0] + counts[1] + counts[2] + counts[3];
        }
    }
}

using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// The records of a target a scan may keep unparsed, by record hash (migrations 0006, 0007): those whose
/// resources were last merged under the scan's control-set hash (same controls, policy, mappings and
/// scanner) and whose evaluations the clock cannot have changed since. A record is listed only when
/// every resource it made is stored with the hash, in one scope. Held as flat arrays (a million records
/// is a million rows): a record is a chain of rows (<see cref="First"/>, <see cref="Next"/>).
/// </summary>
public sealed class StoredRecords
{
    public static readonly StoredRecords None = new([], new Dictionary<UInt128, int>(), [], [], [], [], [], []);

    private readonly string[] _scopes;
    private readonly Dictionary<UInt128, int> _first;
    private readonly int[] _next;
    private readonly long[] _ids;
    private readonly int[] _scope;
    private readonly byte[] _provider;
    private readonly short[] _resources;
    private readonly int[] _counts;

    internal StoredRecords(string[] scopes, Dictionary<UInt128, int> first, int[] next, long[] ids, int[] scope, byte[] provider, short[] resources, int[] counts)
    {
        _scopes = scopes;
        _first = first;
        _next = next;
        _ids = ids;
        _scope = scope;
        _provider = provider;
        _resources = resources;
        _counts = counts;
    }

    /// <summary>Records listed (each wholly stored in one scope).</summary>
    internal int Count => _first.Count;

    /// <summary>The first stored row of the record with this hash, or false when the record is not known.</summary>
    public bool First(UInt128 recordHash, out int row) => _first.TryGetValue(recordHash, out row);

    /// <summary>The record's next row, or -1.</summary>
    public int Next(int row) => _next[row];

    public long Id(int row) => _ids[row];

    public string Scope(int row) => _scopes[_scope[row]];

    public Provider Provider(int row) => ProviderNames.All[_provider[row]];

    /// <summary>How many resources the row's record made (its rows, when it is listed).</summary>
    public int RecordResources(int row) => _resources[row];

    /// <summary>The row's <see cref="EvaluationCounts"/>.</summary>
    public ReadOnlySpan<int> Counts(int row) => _counts.AsSpan(row * EvaluationCounts.Length, EvaluationCounts.Length);

    /// <summary>Groups rows read from the store into records, dropping records not wholly stored in one scope.</summary>
    internal sealed class Builder(string[] scopes)
    {
        private readonly Dictionary<UInt128, int> _first = [];
        private readonly List<int> _next = [];
        private readonly List<long> _ids = [];
        private readonly List<int> _scope = [];
        private readonly List<byte> _provider = [];
        private readonly List<short> _resources = [];
        private readonly List<int> _counts = [];
        private readonly Dictionary<UInt128, int> _rows = [];
        private readonly HashSet<UInt128> _split = [];

        public void Add(UInt128 recordHash, int scope, byte provider, long id, short recordResources, ReadOnlySpan<int> counts)
        {
            var row = _ids.Count;
            _ids.Add(id);
            _scope.Add(scope);
            _provider.Add(provider);
            _resources.Add(recordResources);
            for (var i = 0; i < EvaluationCounts.Length; i++)
            {
                _counts.Add(i < counts.Length ? counts[i] : 0);
            }

            if (_first.TryGetValue(recordHash, out var first))
            {
                _next.Add(_next[first]);
                _next[first] = row;
                _rows[recordHash]++;
                if (_scope[first] != scope)
                {
                    _split.Add(recordHash);
                }
            }
            else
            {
                _next.Add(-1);
                _first[recordHash] = row;
                _rows[recordHash] = 1;
            }
        }

        public StoredRecords Build()
        {
            foreach (var (hash, rows) in _rows)
            {
                if (rows != _resources[_first[hash]] || _split.Contains(hash))
                {
                    _first.Remove(hash);
                }
            }

            return new StoredRecords(scopes, _first, [.. _next], [.. _ids], [.. _scope], [.. _provider], [.. _resources], [.. _counts]);
        }
    }
}

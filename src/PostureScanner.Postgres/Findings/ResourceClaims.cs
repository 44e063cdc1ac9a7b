namespace PostureScanner.Postgres.Findings;

/// <summary>
/// Which scope of a scan takes each resource: the first, in the scan's order, to read it or to keep the
/// record it is stored from. Shared by the <see cref="EvaluationStager"/>s of one scan and fed in its order
/// (one thread). A resource's key is one resource in the store, so a copy of it in a second scope (an IAM
/// role that AWS Config records in every region, the same export read under two accounts) is dropped there
/// like a copy within one scope; without this both scopes staged it and whichever merge ran last decided its
/// scope and record hash. A stager made without one has its own (a scan of one scope).
/// </summary>
public sealed class ResourceClaims
{
    private readonly Dictionary<UInt128, EvaluationStager> _owners = [];
    private readonly HashSet<long> _takenIds = [];
    private readonly List<(ScopeDigests Digests, Func<IReadOnlyDictionary<long, int>?> Kept)> _stored = [];

    /// <summary>
    /// Tells the claims what a scope of the scan's target holds (its <see cref="ScopeDigests"/>) and which of
    /// those resources the scan kept so far (<paramref name="kept"/>, read at each lookup: records are kept
    /// as the scan goes). Every scope that holds resources must be added before the first resource is taken,
    /// or a copy read in another scope than its stored one would not see that its record was kept.
    /// </summary>
    public void AddStored(ScopeDigests digests, Func<IReadOnlyDictionary<long, int>?> kept)
    {
        ArgumentNullException.ThrowIfNull(digests);
        ArgumentNullException.ThrowIfNull(kept);
        if (digests.Count > 0 && !_stored.Exists(s => ReferenceEquals(s.Digests, digests)))
        {
            _stored.Add((digests, kept));
        }
    }

    /// <summary>
    /// Whether <paramref name="stager"/> takes the resource: false when a record read before took it (in
    /// this scope or another), or when the record the resource is stored from was kept before (in the
    /// scope that holds it). <paramref name="storedHere"/> and <paramref name="keptHere"/> are the
    /// stager's own scope's: the other scopes are looked up only when the resource is not stored there.
    /// </summary>
    internal bool TryTake(EvaluationStager stager, UInt128 key, long? storedHere, IReadOnlyDictionary<long, int>? keptHere)
    {
        if (_owners.ContainsKey(key))
        {
            return false;
        }

        var (id, kept) = storedHere is { } here ? (here, keptHere) : FindStored(key);
        if (id is { } stored && kept is { Count: > 0 } && kept.ContainsKey(stored))
        {
            return false;
        }

        _owners.Add(key, stager);
        if (id is { } taken)
        {
            _takenIds.Add(taken);
        }

        return true;
    }

    /// <summary>The stager that took the resource, or null.</summary>
    internal EvaluationStager? OwnerOf(UInt128 key) => _owners.GetValueOrDefault(key);

    /// <summary>Whether a stored resource was taken from a record the scan read (so no scope may keep it).</summary>
    internal bool TakenFromRead(long id) => _takenIds.Contains(id);

    private (long? Id, IReadOnlyDictionary<long, int>? Kept) FindStored(UInt128 key)
    {
        foreach (var (digests, kept) in _stored)
        {
            if (digests.TryGetId(key, out var id))
            {
                return (id, kept());
            }
        }

        return (null, null);
    }
}

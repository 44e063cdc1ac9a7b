using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// Turns the evaluations of one scope into <see cref="StagedEvaluation"/> rows, in the order of the scan's
/// records: the costly half (digests, rows) is done by an <see cref="EvaluationPreparer"/>, on the thread
/// that evaluated the record or, through <see cref="Add"/>, here; the stager decides what only the order
/// can decide. If the scope held a resource with the same digest after its last completed merge
/// (<see cref="ScopeDigests"/>), only its id is kept (<see cref="UnchangedResourceIds"/>): nothing of it
/// would be written. A resource that appears twice in one scope keeps its first occurrence (the merge
/// statements need unique keys; see <see cref="ResourceKey"/>), whether that was parsed or kept unparsed
/// (<see cref="Kept"/>); so does one that appears in two scopes of a scan: the scan's stagers share their
/// <see cref="Claims"/>. Not thread-safe: one stager per scope, fed in the scan's order.
/// </summary>
public sealed class EvaluationStager
{
    private readonly ScopeDigests _known;
    private readonly EvaluationPreparer _preparer = new();
    private readonly Dictionary<string, string> _controls = new(StringComparer.Ordinal);
    private readonly List<long> _unchanged = [];
    private readonly List<long> _movedOut = [];
    private readonly HashSet<long> _kept = [];
    private IReadOnlyDictionary<string, string>? _scanControlTypes;

    public EvaluationStager(ScopeDigests? known = null)
    {
        _known = known ?? ScopeDigests.None;
    }

    /// <summary>
    /// This scope's stored resources that records kept unparsed already stand for (id and evaluations), as
    /// the scan read them (filled by the scan as it keeps records, taken by <see cref="Keep"/> when the
    /// scope completes): a resource read later from another record is a later copy, dropped as any copy is,
    /// so the first record of a resource wins whether it was parsed or kept.
    /// </summary>
    public IReadOnlyDictionary<long, int>? Kept { get; init; }

    /// <summary>Which scope of the scan took each resource (shared by the scan's stagers); a stager of its own by default.</summary>
    public ResourceClaims Claims { get; init; } = new();

    /// <summary>Evaluations of every resource taken (staged or unchanged); later copies of a resource are not counted.</summary>
    public int Evaluations { get; private set; }

    /// <summary>Resources taken (staged or unchanged).</summary>
    public int Resources { get; private set; }

    /// <summary>Stored ids of the resources whose digest matched: present and unchanged, no rows staged.</summary>
    public IReadOnlyList<long> UnchangedResourceIds => _unchanged;

    /// <summary>
    /// Stored ids of this scope's resources (as loaded when the scope opened) that the scan neither read
    /// nor kept nor found in another of its scopes: what the merge deletes. Only resources the scan knew
    /// of can be deleted, so one another scan added meanwhile stays. Read once the stager is complete and
    /// moves are resolved.
    /// </summary>
    public IReadOnlyList<long> UnseenResourceIds()
    {
        var moved = _movedOut.ToHashSet();
        return [.. _known.Resources.Where(r => !Took(r.Key) && !_kept.Contains(r.Id) && !moved.Contains(r.Id)).Select(r => r.Id)];
    }

    /// <summary>Stored ids of this scope's resources that the scan found in another of its scopes (see <see cref="ResolveMoves"/>).</summary>
    public IReadOnlyList<long> MovedOutResourceIds => _movedOut;

    /// <summary>
    /// The controls (id and resource type) that evaluated something in the scan: this scope's, or, after
    /// <see cref="ResolveMoves"/>, those of every scope of the scan. A resource that moved into this scope
    /// had findings of these controls elsewhere; the merge looks them up by fingerprint (controls × moved
    /// resources, a few lookups each) and resolves those it no longer produces, here and now.
    /// </summary>
    public IReadOnlyDictionary<string, string> ScanControlTypes => _scanControlTypes ?? _controls;

    /// <summary>
    /// Once a scan has read everything (every stager complete, no merge started): each scope's stored
    /// resources that the scan found in another of its scopes moved there. Their old scope keeps them
    /// instead of deleting them, and the new scope's merge moves them with their findings, so the outcome
    /// (a moved resource is not "deleted", its failing finding that now passes is "passed") does not
    /// depend on which merge runs first, and the two merges do not both write the same rows.
    /// </summary>
    public static void ResolveMoves(IReadOnlyList<EvaluationStager> scopesOfOneScan)
    {
        ArgumentNullException.ThrowIfNull(scopesOfOneScan);
        if (scopesOfOneScan.Count < 2)
        {
            return;
        }

        var controls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stager in scopesOfOneScan)
        {
            foreach (var (id, type) in stager._controls)
            {
                controls.TryAdd(id, type);
            }
        }

        foreach (var stager in scopesOfOneScan)
        {
            stager._scanControlTypes = controls;
            stager._movedOut.Clear();
            foreach (var (key, id) in stager._known.Resources)
            {
                if (stager.Took(key) || stager._kept.Contains(id))
                {
                    continue;
                }

                foreach (var other in scopesOfOneScan)
                {
                    if (!ReferenceEquals(other, stager) && other.Took(key))
                    {
                        stager._movedOut.Add(id);
                        break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Takes one evaluation, prepared here (<see cref="EvaluationPreparer"/>). A record's resources come
    /// one after another, and their rows go to <paramref name="rows"/> when the record is complete:
    /// <see cref="FinishRecord"/>, or the first evaluation (or <see cref="NoteResource"/>) of the next
    /// record, or <see cref="Complete"/>.
    /// </summary>
    public void Add(Evaluation evaluation, ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(rows);
        if (_preparer.Record is { } record && !ReferenceEquals(evaluation.Resource.Raw, record))
        {
            FinishRecord(rows);
        }

        _preparer.Add(evaluation);
    }

    /// <summary>Told by the scan once each resource is evaluated (see <see cref="EvaluationPreparer.NoteResource"/>).</summary>
    public void NoteResource(Resource resource, int excluded, DateTimeOffset? stableUntil, ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(rows);
        if (_preparer.Record is { } record && !ReferenceEquals(resource.Raw, record))
        {
            FinishRecord(rows);
        }

        _preparer.NoteResource(resource, excluded, stableUntil);
    }

    /// <summary>
    /// Ends the record being taken through <see cref="Add"/>: its rows go to <paramref name="rows"/>. A scan
    /// that keeps records calls it before reading on, so a record kept after this one cannot take its
    /// resources first.
    /// </summary>
    public void FinishRecord(ICollection<StagedEvaluation> rows) => Take(_preparer.Finish(_known), rows);

    /// <summary>
    /// Takes a prepared record, in the scan's order: each resource not taken before (from a parsed or a kept
    /// record) counts, and its rows go to <paramref name="rows"/> unless its digest is the one this scope
    /// stored (compared here when the preparer did not have the scope's digests).
    /// </summary>
    public void Take(PreparedRecord record, ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var resource in record.Resources)
        {
            long? stored = _known.TryGetId(resource.KeyHash, out var storedId) ? storedId : null;
            if (!Claims.TryTake(this, resource.KeyHash, stored, Kept))
            {
                continue;
            }

            Resources++;
            Evaluations += resource.Evaluations;
            foreach (var (control, type) in resource.Controls)
            {
                _controls.TryAdd(control, type);
            }

            if (resource.KnownUnchanged || (_known.TryGet(resource.KeyHash, out _, out var digest) && digest == resource.Digest))
            {
                _unchanged.Add(stored ?? throw new InvalidOperationException("a resource prepared as unchanged against other digests than its scope's"));
                continue;
            }

            foreach (var row in resource.Rows)
            {
                rows.Add(row);
            }
        }
    }

    /// <summary>
    /// A stored resource whose record the scan kept unparsed (same bytes, same content as when it was
    /// stored): present and unchanged, like a resource whose digest matched. False when a scope of the scan
    /// (this one or another) already took it from another record.
    /// </summary>
    public bool Keep(long id, int evaluations)
    {
        if (Claims.TakenFromRead(id) || !_kept.Add(id))
        {
            return false;
        }

        _unchanged.Add(id);
        Resources++;
        Evaluations += evaluations;
        return true;
    }

    /// <summary>Takes every resource of <see cref="Kept"/> (see <see cref="Keep"/>): once the scope's read is complete.</summary>
    public void KeepAll()
    {
        foreach (var (id, evaluations) in Kept ?? new Dictionary<long, int>())
        {
            Keep(id, evaluations);
        }
    }

    /// <summary>Ends the scope: the last record's rows go to <paramref name="rows"/>.</summary>
    public void Complete(ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        FinishRecord(rows);
    }

    private bool Took(UInt128 key) => ReferenceEquals(Claims.OwnerOf(key), this);

    /// <summary>
    /// The store's key of a resource: its normalized type and native identity (<see cref="Fingerprints.IdentityKey"/>).
    /// One native record can be several resources (a GCP bucket with its IAM policy is an
    /// <c>object_storage.bucket</c> and an <c>iam.binding</c>, both with the bucket's id): keyed by id alone,
    /// the second was taken for a copy of the first and its evaluations were dropped (migration 0004).
    /// </summary>
    public static string ResourceKey(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Type + "|" + Fingerprints.IdentityKey(resource.Provider, resource.Id);
    }
}

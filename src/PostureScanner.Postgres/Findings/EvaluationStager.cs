using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Newtonsoft.Json;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// Turns the evaluations of one scope into <see cref="StagedEvaluation"/> rows, on the thread that runs
/// the scan. Evaluations of one resource arrive one after another; when the resource is complete its
/// evaluation digest (native record, normalized state and every evaluation) is computed by walking the
/// values, without writing any text. If the scope held the resource with the same digest after its last
/// completed merge (<see cref="ScopeDigests"/>), only its id is kept (<see cref="UnchangedResourceIds"/>):
/// nothing of it would be written, so building and copying its rows would be wasted (on a re-scan that
/// is nearly every resource). Otherwise it becomes rows, the resource's own columns on its first row. A
/// resource that appears twice in one scope keeps its first occurrence (the merge statements need unique
/// keys; see <see cref="ResourceKey"/>). Not thread-safe: one stager per scope.
/// </summary>
public sealed class EvaluationStager
{
    private readonly ScopeDigests _known;
    private readonly HashSet<UInt128> _seenResources = [];
    private readonly Dictionary<string, (string[] Ids, string Joined, string Type)> _controls = new(StringComparer.Ordinal);
    private readonly StringBuilder _text = new(1024);
    private readonly XxHash128 _digest = new();
    private readonly XxHash128 _lines = new();
    private readonly List<PendingResource> _resources = [];
    private readonly List<long> _unchanged = [];
    private readonly List<long> _movedOut = [];
    private readonly HashSet<long> _kept = [];
    private readonly HashSet<long> _parsed = [];
    private IReadOnlyDictionary<string, string>? _scanControlTypes;
    private RawAsset? _record;
    private int _pendingCount;
    private int _recordResources;
    private bool _recordExcluded;
    private DateTimeOffset? _recordStableUntil;

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
        return [.. _known.Resources.Where(r => !_seenResources.Contains(r.Key) && !_kept.Contains(r.Id) && !moved.Contains(r.Id)).Select(r => r.Id)];
    }

    /// <summary>Stored ids of this scope's resources that the scan found in another of its scopes (see <see cref="ResolveMoves"/>).</summary>
    public IReadOnlyList<long> MovedOutResourceIds => _movedOut;

    /// <summary>
    /// The controls (id and resource type) that evaluated something in the scan: this scope's, or, after
    /// <see cref="ResolveMoves"/>, those of every scope of the scan. A resource that moved into this scope
    /// had findings of these controls elsewhere; the merge looks them up by fingerprint (controls × moved
    /// resources, a few lookups each) and resolves those it no longer produces, here and now.
    /// </summary>
    public IReadOnlyDictionary<string, string> ScanControlTypes => _scanControlTypes ?? _controls.ToDictionary(c => c.Key, c => c.Value.Type, StringComparer.Ordinal);

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
            foreach (var (id, control) in stager._controls)
            {
                controls.TryAdd(id, control.Type);
            }
        }

        foreach (var stager in scopesOfOneScan)
        {
            stager._scanControlTypes = controls;
            stager._movedOut.Clear();
            foreach (var (key, id) in stager._known.Resources)
            {
                if (stager._seenResources.Contains(key) || stager._kept.Contains(id))
                {
                    continue;
                }

                foreach (var other in scopesOfOneScan)
                {
                    if (!ReferenceEquals(other, stager) && other._seenResources.Contains(key))
                    {
                        stager._movedOut.Add(id);
                        break;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Takes one evaluation. A record's resources come one after another, and their rows go to
    /// <paramref name="rows"/> when the record is complete: on the first evaluation (or
    /// <see cref="NoteResource"/>) of the next record, or in <see cref="Complete"/>.
    /// </summary>
    public void Add(Evaluation evaluation, ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(rows);
        var resource = evaluation.Resource;
        if (!ReferenceEquals(resource.Raw, _record))
        {
            FinishRecord(rows);
            _record = resource.Raw;
        }

        if (_pendingCount == 0 || !ReferenceEquals(_resources[_pendingCount - 1].Resource, resource))
        {
            StartResource(resource);
        }

        var pending = _resources[_pendingCount - 1];
        if (!pending.Skip)
        {
            pending.Evaluations.Add(evaluation);
        }
    }

    /// <summary>
    /// Told by the scan once each resource is evaluated (with or without evaluations): how many resources
    /// the record made, whether a policy exclusion left evaluations out, and until when the clock cannot
    /// change its evaluations. A record whose resources are all counted and none excluded can later be
    /// kept unparsed (<see cref="Keep"/>, until the earliest of those instants) and counted from the
    /// store; without these calls its rows carry no record hash.
    /// </summary>
    public void NoteResource(Resource resource, int excluded, DateTimeOffset? stableUntil, ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(rows);
        if (!ReferenceEquals(resource.Raw, _record))
        {
            FinishRecord(rows);
            _record = resource.Raw;
        }

        _recordResources++;
        _recordExcluded |= excluded > 0;
        if (stableUntil is { } until && (_recordStableUntil is not { } earliest || until < earliest))
        {
            _recordStableUntil = until;
        }
    }

    /// <summary>
    /// A stored resource whose record the scan kept unparsed (same bytes, same content as when it was
    /// stored): present and unchanged, like a resource whose digest matched. False when the scope already
    /// took it from another record of this scan.
    /// </summary>
    public bool Keep(long id, int evaluations)
    {
        if (!_kept.Add(id) || _parsed.Contains(id))
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
        _record = null;
    }

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

    private void StartResource(Resource resource)
    {
        if (_pendingCount == _resources.Count)
        {
            _resources.Add(new PendingResource());
        }

        var pending = _resources[_pendingCount++];
        pending.Resource = resource;
        pending.Key = ResourceKey(resource);
        pending.KeyHash = ScopeDigests.KeyOf(resource.Provider.ToName(), pending.Key);
        var stored = _known.TryGetId(pending.KeyHash, out var id);
        pending.Skip = (stored && Kept is { Count: > 0 } kept && kept.ContainsKey(id)) || !_seenResources.Add(pending.KeyHash);
        if (stored && !pending.Skip)
        {
            _parsed.Add(id);
        }
        pending.Evaluations.Clear();
    }

    private void FinishRecord(ICollection<StagedEvaluation> rows)
    {
        if (_record is null)
        {
            return;
        }

        // The record's hash goes with its resources only when the scan reported every resource of it and
        // none had an evaluation excluded: a later scan that keeps the record counts it from its rows.
        var recordResources = Math.Max(_recordResources, _pendingCount);
        var recordHash = _recordResources > 0 && !_recordExcluded ? _record.RecordHash : null;
        for (var i = 0; i < _pendingCount; i++)
        {
            var pending = _resources[i];
            if (!pending.Skip)
            {
                Finish(pending, recordHash, recordResources, _recordStableUntil, rows);
            }

            pending.Resource = null;
            pending.Evaluations.Clear();
        }

        _pendingCount = 0;
        _recordResources = 0;
        _recordExcluded = false;
        _recordStableUntil = null;
        _record = null;
    }

    private void Finish(PendingResource pending, UInt128? recordHash, int recordResources, DateTimeOffset? stableUntil, ICollection<StagedEvaluation> rows)
    {
        var evaluations = pending.Evaluations;
        var resource = pending.Resource!;
        Resources++;
        Evaluations += evaluations.Count;
        var rawHash = ContentHash.Of(resource.Raw.Data);
        var digest = Digest(resource, rawHash.Span, evaluations, recordHash, recordResources, stableUntil);
        if (_known.TryGet(pending.KeyHash, out var id, out var stored) && stored == digest)
        {
            _unchanged.Add(id);
            return;
        }

        var staged = StageResource(resource, rawHash, digest, recordHash, recordResources, stableUntil, evaluations);
        for (var i = 0; i < evaluations.Count; i++)
        {
            rows.Add(Row(evaluations[i], pending.Key, i == 0 ? staged : null));
        }
    }

    /// <summary>Everything the resource's rows would hold, hashed without writing it as text.</summary>
    private UInt128 Digest(Resource r, ReadOnlySpan<byte> rawHash, List<Evaluation> evaluations, UInt128? recordHash, int recordResources,
        DateTimeOffset? stableUntil)
    {
        _digest.Reset();
        foreach (var text in (ReadOnlySpan<string>)[r.Provider.ToName(), r.Id, r.NativeType, r.Type, r.Account, r.Region, r.Name])
        {
            ContentHash.Text(_digest, text);
        }

        // Tags and attributes in the order the mapping produced them: the same record and mappings give
        // the same order, and a different order only costs one restaging.
        ContentHash.Tag(_digest, (byte)'T');
        foreach (var (key, value) in r.Tags)
        {
            ContentHash.Text(_digest, key);
            ContentHash.Text(_digest, value);
        }

        ContentHash.Tag(_digest, (byte)'A');
        foreach (var (key, value) in r.Attributes)
        {
            ContentHash.Text(_digest, key);
            ContentHash.Append(_digest, value);
        }

        _digest.Append(rawHash);

        // The record's bytes and how many resources it made too (migration 0006): a record that changed
        // only in bytes (a capture time) is restaged once so its row carries the new hash, instead of being
        // parsed on every scan after.
        ContentHash.Tag(_digest, (byte)'R');
        Span<byte> bytes = stackalloc byte[28];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, recordHash ?? UInt128.Zero);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes[16..], recordHash is null ? -1 : recordResources);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[20..], stableUntil?.UtcTicks ?? -1);
        _digest.Append(bytes);

        foreach (var evaluation in evaluations)
        {
            ContentHash.Tag(_digest, (byte)'E');
            ContentHash.Text(_digest, evaluation.Control.Definition.Id);
            ContentHash.Text(_digest, Nist(evaluation.Control.Definition).Joined);
            ContentHash.Text(_digest, evaluation.Status.ToName());
            ContentHash.Text(_digest, evaluation.Severity.ToName());
            ContentHash.Text(_digest, evaluation.Message);
            foreach (var (path, value) in evaluation.Evidence)
            {
                ContentHash.Text(_digest, path);
                ContentHash.Append(_digest, value);
            }
        }

        return _digest.GetCurrentHashAsUInt128();
    }

    private StagedEvaluation Row(Evaluation evaluation, string resourceKey, StagedResource? resource)
    {
        var status = evaluation.Status.ToName();
        var severity = evaluation.Severity.ToName();
        var control = evaluation.Control.Definition;
        var (nist, nistJoined) = Nist(control);

        // Evidence keeps the order the check read it; a null value is an attribute the resource lacks.
        var evidenceJson = ObjectJson(evaluation.Evidence, (w, value) =>
        {
            if (value is null)
            {
                w.WriteNull();
            }
            else
            {
                value.WriteTo(w);
            }
        });

        var contentHash = ContentHash.OfLines(_lines, [status, severity, nistJoined, evaluation.Message, evidenceJson]);
        return new StagedEvaluation
        {
            Fingerprint = evaluation.Fingerprint,
            ControlId = control.Id,
            Provider = evaluation.Resource.Provider.ToName(),
            ResourceKey = resourceKey,
            Status = status,
            Severity = severity,
            Nist = nist,
            EvidenceJson = evidenceJson,
            Message = evaluation.Message,
            ContentHash = contentHash,
            Resource = resource,
        };
    }

    /// <summary>
    /// A control's NIST ids, and joined as the hashes take them (both once per control, not per evaluation);
    /// the controls seen so are the scope's <see cref="ScanControlTypes"/>.
    /// </summary>
    private (string[] Ids, string Joined) Nist(ControlDefinition control)
    {
        if (!_controls.TryGetValue(control.Id, out var seen))
        {
            string[] ids = [.. control.Nist];
            seen = (ids, string.Join(',', ids), control.ResourceType);
            _controls.Add(control.Id, seen);
        }

        return (seen.Ids, seen.Joined);
    }

    private StagedResource StageResource(Resource r, ReadOnlyMemory<byte> rawHash, UInt128 digest, UInt128? recordHash, int recordResources,
        DateTimeOffset? stableUntil, List<Evaluation> evaluations)
    {
        var tagsJson = ObjectJson(r.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), (w, value) => w.WriteValue(value));
        var attributesJson = ObjectJson(r.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), (w, value) => value.WriteTo(w));
        var resourceHash = ContentHash.OfLines(_lines,
            [r.Id, r.NativeType, r.Type, r.Account, r.Region, r.Name, tagsJson, attributesJson, Convert.ToHexString(rawHash.Span)]);
        return new StagedResource
        {
            NativeId = r.Id,
            NativeType = r.NativeType,
            Type = r.Type,
            Account = r.Account,
            Region = r.Region,
            Name = r.Name,
            TagsJson = tagsJson,
            AttributesJson = attributesJson,
            RawHash = rawHash,
            ContentHash = resourceHash,
            EvaluationDigest = ScopeDigests.ToBytes(digest),
            RecordHash = recordHash is { } h ? ScopeDigests.ToBytes(h) : (ReadOnlyMemory<byte>?)null,
            RecordResources = recordResources,
            StableUntil = stableUntil,
            EvaluationCounts = EvaluationCounts.Of(evaluations),
        };
    }

    /// <summary>
    /// A JSON object of these properties, in their order, compact (as <c>JToken.ToString(Formatting.None)</c>
    /// writes it), through one reused buffer.
    /// </summary>
    private string ObjectJson<T>(IEnumerable<KeyValuePair<string, T>> properties, Action<JsonWriter, T> writeValue)
    {
        _text.Clear();
        using var writer = new StringWriter(_text, CultureInfo.InvariantCulture);
        using (var json = new JsonTextWriter(writer) { Formatting = Formatting.None, CloseOutput = false })
        {
            json.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                json.WritePropertyName(name);
                writeValue(json, value);
            }

            json.WriteEndObject();
        }

        return _text.ToString();
    }

    /// <summary>One resource of the record being staged (reused from record to record).</summary>
    private sealed class PendingResource
    {
        public Resource? Resource { get; set; }

        public string Key { get; set; } = "";

        public UInt128 KeyHash { get; set; }

        /// <summary>A later copy of a resource the scope already took: its evaluations are dropped.</summary>
        public bool Skip { get; set; }

        public List<Evaluation> Evaluations { get; } = [];
    }
}

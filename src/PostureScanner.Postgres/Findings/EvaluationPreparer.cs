using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Newtonsoft.Json;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// The costly half of staging, which does not depend on the order of the scan's records: turns the
/// evaluations of one record into a <see cref="PreparedRecord"/>. When a resource is complete its
/// evaluation digest (native record, normalized state and every evaluation) is computed by walking the
/// values, without writing any text; if its scope held the resource with the same digest after its
/// last completed merge (<see cref="ScopeDigests"/>, when loaded), nothing of it would be written, so no
/// rows are built (on a re-scan that is nearly every resource). Otherwise it becomes rows, the resource's own
/// columns on its first row. Not thread-safe: one preparer per thread that evaluates records; the
/// <see cref="EvaluationStager"/> of each scope then takes the prepared records in the scan's order.
/// </summary>
public sealed class EvaluationPreparer
{
    private readonly Dictionary<string, (string[] Ids, string Joined, KeyValuePair<string, string> Type)> _controls = new(StringComparer.Ordinal);
    private readonly StringBuilder _text = new(1024);
    private readonly XxHash128 _digest = new();
    private readonly XxHash128 _lines = new();
    private readonly List<PendingResource> _resources = [];
    private int _pendingCount;
    private int _recordResources;
    private bool _recordExcluded;
    private DateTimeOffset? _recordStableUntil;

    /// <summary>The record whose evaluations are being taken (null between records).</summary>
    public RawAsset? Record { get; private set; }

    /// <summary>Takes one evaluation of the current record (the first one starts the record); the resource's evaluations come one after another.</summary>
    public void Add(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var resource = evaluation.Resource;
        Start(resource.Raw);
        if (_pendingCount == 0 || !ReferenceEquals(_resources[_pendingCount - 1].Resource, resource))
        {
            if (_pendingCount == _resources.Count)
            {
                _resources.Add(new PendingResource());
            }

            var pending = _resources[_pendingCount++];
            pending.Resource = resource;
            pending.Evaluations.Clear();
        }

        _resources[_pendingCount - 1].Evaluations.Add(evaluation);
    }

    /// <summary>
    /// Told once each resource of the record is evaluated (with or without evaluations): how many
    /// resources the record made, whether a policy exclusion left evaluations out, and until when the
    /// clock cannot change its evaluations. A record whose resources are all counted and none excluded can
    /// later be kept unparsed (until the earliest of those instants) and counted from the store; without
    /// these calls its rows carry no record hash.
    /// </summary>
    public void NoteResource(Resource resource, int excluded, DateTimeOffset? stableUntil)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Start(resource.Raw);
        _recordResources++;
        _recordExcluded |= excluded > 0;
        if (stableUntil is { } until && (_recordStableUntil is not { } earliest || until < earliest))
        {
            _recordStableUntil = until;
        }
    }

    /// <summary>
    /// Ends the current record: its resources, each compared with <paramref name="known"/> (its scope's
    /// digests) when they are at hand, so unchanged ones build no rows; without them (still loading) every
    /// resource builds its rows and the stager compares.
    /// </summary>
    public PreparedRecord Finish(ScopeDigests? known)
    {
        if (Record is not { } record)
        {
            return PreparedRecord.Empty;
        }

        // The record's hash goes with its resources only when the scan reported every resource of it and
        // none had an evaluation excluded: a later scan that keeps the record counts it from its rows.
        var recordResources = Math.Max(_recordResources, _pendingCount);
        var recordHash = _recordResources > 0 && !_recordExcluded ? record.RecordHash : null;
        var prepared = _pendingCount == 0 ? [] : new PreparedResource[_pendingCount];
        for (var i = 0; i < _pendingCount; i++)
        {
            var pending = _resources[i];
            prepared[i] = Prepare(pending.Resource!, pending.Evaluations, known, recordHash, recordResources, _recordStableUntil);
            pending.Resource = null;
            pending.Evaluations.Clear();
        }

        _pendingCount = 0;
        _recordResources = 0;
        _recordExcluded = false;
        _recordStableUntil = null;
        Record = null;
        return prepared.Length == 0 ? PreparedRecord.Empty : new PreparedRecord { Resources = prepared };
    }

    private void Start(RawAsset record)
    {
        if (Record is null)
        {
            Record = record;
        }
        else if (!ReferenceEquals(Record, record))
        {
            throw new InvalidOperationException("a record's evaluations must be finished (Finish) before the next record's");
        }
    }

    private PreparedResource Prepare(Resource resource, List<Evaluation> evaluations, ScopeDigests? known, UInt128? recordHash, int recordResources,
        DateTimeOffset? stableUntil)
    {
        var key = EvaluationStager.ResourceKey(resource);
        var keyHash = ScopeDigests.KeyOf(resource.Provider.ToName(), key);
        var controls = new KeyValuePair<string, string>[evaluations.Count];
        for (var i = 0; i < evaluations.Count; i++)
        {
            controls[i] = Nist(evaluations[i].Control.Definition).Type;
        }

        var rawHash = ContentHash.Of(resource.Raw.Data);
        var digest = Digest(resource, rawHash.Span, evaluations, recordHash, recordResources, stableUntil);
        if (known is not null && known.TryGet(keyHash, out _, out var stored) && stored == digest)
        {
            return new PreparedResource { KeyHash = keyHash, Digest = digest, KnownUnchanged = true, Evaluations = evaluations.Count, Controls = controls, Rows = [] };
        }

        var staged = StageResource(resource, rawHash, digest, recordHash, recordResources, stableUntil, evaluations);
        var rows = new StagedEvaluation[evaluations.Count];
        for (var i = 0; i < evaluations.Count; i++)
        {
            rows[i] = Row(evaluations[i], key, i == 0 ? staged : null);
        }

        return new PreparedResource { KeyHash = keyHash, Digest = digest, Evaluations = evaluations.Count, Controls = controls, Rows = rows };
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
        var (nist, nistJoined, _) = Nist(control);

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

    /// <summary>A control's NIST ids, joined as the hashes take them, and its resource type: once per control, not per evaluation.</summary>
    private (string[] Ids, string Joined, KeyValuePair<string, string> Type) Nist(ControlDefinition control)
    {
        if (!_controls.TryGetValue(control.Id, out var seen))
        {
            string[] ids = [.. control.Nist];
            seen = (ids, string.Join(',', ids), new KeyValuePair<string, string>(control.Id, control.ResourceType));
            _controls.Add(control.Id, seen);
        }

        return seen;
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

    /// <summary>One resource of the record being prepared (reused from record to record).</summary>
    private sealed class PendingResource
    {
        public Resource? Resource { get; set; }

        public List<Evaluation> Evaluations { get; } = [];
    }
}

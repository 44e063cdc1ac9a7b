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
    private readonly Dictionary<string, (string[] Ids, string Joined)> _nist = new(StringComparer.Ordinal);
    private readonly StringBuilder _text = new(1024);
    private readonly XxHash128 _digest = new();
    private readonly List<Evaluation> _pending = [];
    private readonly List<long> _unchanged = [];
    private readonly List<long> _movedOut = [];
    private readonly Dictionary<string, string> _controlTypes = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string>? _scanControlTypes;
    private Resource? _current;
    private string _resourceKey = "";
    private UInt128 _keyHash;
    private bool _skipCurrent;

    public EvaluationStager(ScopeDigests? known = null)
    {
        _known = known ?? ScopeDigests.None;
    }

    /// <summary>Evaluations of every resource taken (staged or unchanged); later copies of a resource are not counted.</summary>
    public int Evaluations { get; private set; }

    /// <summary>Resources taken (staged or unchanged).</summary>
    public int Resources { get; private set; }

    /// <summary>Stored ids of the resources whose digest matched: present and unchanged, no rows staged.</summary>
    public IReadOnlyList<long> UnchangedResourceIds => _unchanged;

    /// <summary>Stored ids of this scope's resources that the scan found in another of its scopes (see <see cref="ResolveMoves"/>).</summary>
    public IReadOnlyList<long> MovedOutResourceIds => _movedOut;

    /// <summary>
    /// The controls (id and resource type) that evaluated something in the scan: this scope's, or, after
    /// <see cref="ResolveMoves"/>, those of every scope of the scan. A resource that moved into this scope
    /// had findings of these controls elsewhere; the merge looks them up by fingerprint (controls × moved
    /// resources, a few lookups each) and resolves those it no longer produces, here and now.
    /// </summary>
    public IReadOnlyDictionary<string, string> ScanControlTypes => _scanControlTypes ?? _controlTypes;

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
            foreach (var (id, type) in stager._controlTypes)
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
                if (stager._seenResources.Contains(key))
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
    /// Takes one evaluation. Rows go to <paramref name="rows"/> when their resource is complete: on the
    /// first evaluation of the next resource, or in <see cref="Complete"/>.
    /// </summary>
    public void Add(Evaluation evaluation, ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(rows);
        if (!ReferenceEquals(evaluation.Resource, _current))
        {
            Finish(rows);
            _current = evaluation.Resource;
            _resourceKey = ResourceKey(_current);
            _keyHash = ScopeDigests.KeyOf(_current.Provider.ToName(), _resourceKey);
            _skipCurrent = !_seenResources.Add(_keyHash);
        }

        if (!_skipCurrent)
        {
            _pending.Add(evaluation);
        }
    }

    /// <summary>Ends the scope: the last resource's rows go to <paramref name="rows"/>.</summary>
    public void Complete(ICollection<StagedEvaluation> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Finish(rows);
        _current = null;
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

    private void Finish(ICollection<StagedEvaluation> rows)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var resource = _pending[0].Resource;
        Resources++;
        Evaluations += _pending.Count;
        var rawHash = ContentHash.Of(resource.Raw.Data);
        var digest = Digest(resource, rawHash.Span);
        if (_known.TryGet(_keyHash, out var id, out var stored) && stored == digest)
        {
            _unchanged.Add(id);
        }
        else
        {
            var staged = StageResource(resource, rawHash, digest);
            for (var i = 0; i < _pending.Count; i++)
            {
                rows.Add(Row(_pending[i], i == 0 ? staged : null));
            }
        }

        _pending.Clear();
    }

    /// <summary>Everything the resource's rows would hold, hashed without writing it as text.</summary>
    private UInt128 Digest(Resource r, ReadOnlySpan<byte> rawHash)
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
        foreach (var evaluation in _pending)
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

    private StagedEvaluation Row(Evaluation evaluation, StagedResource? resource)
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

        var contentHash = ContentHash.Of($"{status}\n{severity}\n{nistJoined}\n{evaluation.Message}\n{evidenceJson}");
        return new StagedEvaluation
        {
            Fingerprint = evaluation.Fingerprint,
            ControlId = control.Id,
            Provider = evaluation.Resource.Provider.ToName(),
            ResourceKey = _resourceKey,
            Status = status,
            Severity = severity,
            Nist = nist,
            EvidenceJson = evidenceJson,
            Message = evaluation.Message,
            ContentHash = contentHash,
            Resource = resource,
        };
    }

    /// <summary>A control's NIST ids, and joined as the hashes take them (both once per control, not per evaluation); notes the control as seen.</summary>
    private (string[] Ids, string Joined) Nist(ControlDefinition control)
    {
        if (!_nist.TryGetValue(control.Id, out var nist))
        {
            string[] ids = [.. control.Nist];
            nist = (ids, string.Join(',', ids));
            _nist.Add(control.Id, nist);
            _controlTypes.TryAdd(control.Id, control.ResourceType);
        }

        return nist;
    }

    private StagedResource StageResource(Resource r, ReadOnlyMemory<byte> rawHash, UInt128 digest)
    {
        var tagsJson = ObjectJson(r.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), (w, value) => w.WriteValue(value));
        var attributesJson = ObjectJson(r.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), (w, value) => value.WriteTo(w));
        var resourceHash = ContentHash.Of($"{r.Id}\n{r.NativeType}\n{r.Type}\n{r.Account}\n{r.Region}\n{r.Name}\n{tagsJson}\n{attributesJson}\n{Convert.ToHexString(rawHash.Span)}");
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
}

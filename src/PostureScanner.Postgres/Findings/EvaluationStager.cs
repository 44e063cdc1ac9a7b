using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Newtonsoft.Json;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// Turns the evaluations of one scope into <see cref="StagedEvaluation"/> rows, on the thread that runs
/// the scan. The resource's row (attributes, tags, hashes) is built on its first evaluation only; a
/// resource that appears twice in one scope keeps its first occurrence (the merge statements need unique
/// keys), so its later evaluations are dropped. Not thread-safe: one stager per scope.
/// </summary>
public sealed class EvaluationStager
{
    private readonly HashSet<UInt128> _seenResources = [];
    private readonly Dictionary<string, string[]> _nist = new(StringComparer.Ordinal);
    private readonly StringBuilder _text = new(1024);
    private Resource? _current;
    private string _resourceKey = "";
    private bool _skipCurrent;

    /// <summary>The row for <paramref name="evaluation"/>, or null when its resource was already staged from an earlier record.</summary>
    public StagedEvaluation? Stage(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var isFirstOfResource = !ReferenceEquals(evaluation.Resource, _current);
        if (isFirstOfResource)
        {
            _current = evaluation.Resource;
            _resourceKey = Fingerprints.IdentityKey(_current.Provider, _current.Id);
            _skipCurrent = !_seenResources.Add(XxHash128.HashToUInt128(MemoryMarshal.AsBytes((_current.Provider.ToName() + "|" + _resourceKey).AsSpan())));
        }

        if (_skipCurrent)
        {
            return null;
        }

        var status = evaluation.Status.ToName();
        var severity = evaluation.Severity.ToName();
        var control = evaluation.Control.Definition;
        if (!_nist.TryGetValue(control.Id, out var nist))
        {
            nist = [.. control.Nist];
            _nist.Add(control.Id, nist);
        }

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

        var contentHash = ContentHash.Of($"{status}\n{severity}\n{string.Join(',', nist)}\n{evaluation.Message}\n{evidenceJson}");
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
            Resource = isFirstOfResource ? StageResource(evaluation.Resource) : null,
        };
    }

    private StagedResource StageResource(Resource r)
    {
        var tagsJson = ObjectJson(r.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), (w, value) => w.WriteValue(value));
        var attributesJson = ObjectJson(r.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal), (w, value) => value.WriteTo(w));
        var rawHash = ContentHash.Of(r.Raw.Data);
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

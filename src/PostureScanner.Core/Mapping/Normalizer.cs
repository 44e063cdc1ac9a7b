using DevLab.JmesPath.Expressions;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Mapping;

/// <summary>
/// Turns a <see cref="RawAsset"/> into the <see cref="Resource"/>s its native type maps to (one
/// record can feed several normalized types: a GCP bucket with its IAM policy is both an
/// <c>object_storage.bucket</c> and an <c>iam.binding</c>).
/// </summary>
public sealed class Normalizer
{
    private readonly MappingSet _mappings;

    public Normalizer(MappingSet mappings)
    {
        _mappings = mappings;
    }

    public MappingSet Mappings => _mappings;

    public IEnumerable<Resource> Normalize(RawAsset asset)
    {
        var sources = _mappings.ForNativeType(asset.Provider, asset.NativeType);
        if (sources.Count == 0)
        {
            yield break;
        }

        var input = new JmesPathArgument(asset.Data);
        foreach (var (mapping, source) in sources)
        {
            if (source.CompiledWhen is { } when && !IsTruthy(when.Transform(input).AsJToken()))
            {
                continue;
            }

            yield return Build(asset, mapping, source, input);
        }
    }

    /// <summary>Computes every attribute of one source. An expression that throws is an error of the mapping, reported with its name.</summary>
    private static Resource Build(RawAsset asset, MappingDefinition mapping, SourceMapping source, JmesPathArgument input)
    {
        var attributes = new Dictionary<string, JToken>(source.Attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in source.Attributes)
        {
            JToken? value;
            try
            {
                value = attribute.Compiled.Transform(input).AsJToken();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new MappingException($"{mapping.File}: attribute '{attribute.Name}' ({attribute.Expression}) failed on {asset.NativeId}: {ex.Message}", ex);
            }

            if (AttributeCoercion.Coerce(value, attribute.Type) is { } coerced)
            {
                attributes[attribute.Name] = coerced;
            }
        }

        var name = source.Name.Transform(input).AsJToken();
        return new Resource
        {
            Provider = asset.Provider,
            Account = asset.Account,
            Region = asset.Region,
            Type = mapping.Type,
            NativeType = asset.NativeType,
            Id = asset.NativeId,
            Name = name?.Type == JTokenType.String ? name.Value<string>()! : LastSegment(asset.NativeId),
            Tags = ReadTags(source.Tags.Transform(input).AsJToken()),
            Attributes = attributes,
            Raw = asset,
        };
    }

    private static string LastSegment(string id)
    {
        var trimmed = id.TrimEnd('/');
        var cut = Math.Max(trimmed.LastIndexOf('/'), trimmed.LastIndexOf(':'));
        return cut >= 0 ? trimmed[(cut + 1)..] : trimmed;
    }

    /// <summary>Tags as a string map; list forms (<c>[{key,value}]</c>, <c>[{Key,Value}]</c>) are accepted too.</summary>
    internal static IReadOnlyDictionary<string, string> ReadTags(JToken? tags)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        switch (tags)
        {
            case JObject obj:
                foreach (var p in obj.Properties())
                {
                    result[p.Name] = p.Value.Type == JTokenType.String ? p.Value.Value<string>()! : p.Value.ToString(Newtonsoft.Json.Formatting.None);
                }

                break;
            case JArray arr:
                foreach (var item in arr.OfType<JObject>())
                {
                    var key = (item["key"] ?? item["Key"] ?? item["tagName"])?.ToString();
                    var value = (item["value"] ?? item["Value"] ?? item["tagValue"])?.ToString() ?? "";
                    if (key is not null)
                    {
                        result[key] = value;
                    }
                }

                break;
        }

        return result;
    }

    /// <summary>JMESPath truthiness: false, null, empty string/list/object are false.</summary>
    internal static bool IsTruthy(JToken? token) => token?.Type switch
    {
        null or JTokenType.Null or JTokenType.Undefined => false,
        JTokenType.Boolean => token.Value<bool>(),
        JTokenType.String => token.Value<string>()!.Length > 0,
        JTokenType.Array => token.HasValues,
        JTokenType.Object => token.HasValues,
        _ => true,
    };
}

using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Core.Content;

/// <summary>
/// Strict, located access to a parsed YAML file. Every accessor records a <see cref="ContentError"/>
/// with file, line, column and the dotted field path instead of throwing, so a loader reports all
/// problems of a file at once. Unknown keys are errors (Custodian's silent coercion is the counter-example).
/// </summary>
public sealed class ContentDocument
{
    private readonly List<ContentError> _errors = [];

    private ContentDocument(string file, YamlNode? root)
    {
        File = file;
        Root = root;
    }

    public string File { get; }

    public YamlNode? Root { get; }

    public IReadOnlyList<ContentError> Errors => _errors;

    public static ContentDocument Parse(string file, string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                var empty = new ContentDocument(file, null);
                empty._errors.Add(new ContentError(file, 1, 1, "", "the file is empty"));
                return empty;
            }

            return new ContentDocument(file, stream.Documents[0].RootNode);
        }
        catch (YamlException ex)
        {
            var broken = new ContentDocument(file, null);
            broken._errors.Add(new ContentError(file, ex.Start.Line, ex.Start.Column, "", "invalid YAML: " + ex.Message));
            return broken;
        }
    }

    public void Error(YamlNode? node, string field, string problem)
    {
        var line = node?.Start.Line ?? 0;
        var column = node?.Start.Column ?? 0;
        _errors.Add(new ContentError(File, line, column, field, problem));
    }

    public YamlMappingNode? AsMapping(YamlNode? node, string field)
    {
        if (node is YamlMappingNode m)
        {
            return m;
        }

        Error(node, field, "expected a mapping (key: value pairs)");
        return null;
    }

    /// <summary>Reports keys of <paramref name="map"/> that are not in <paramref name="allowed"/>.</summary>
    public void RejectUnknownKeys(YamlMappingNode map, string field, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                Error(key, Join(field, name), $"unknown key; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    public static YamlNode? Get(YamlMappingNode? map, string key)
    {
        if (map is null)
        {
            return null;
        }

        return map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    public string? RequiredString(YamlMappingNode map, string key, string field)
    {
        var node = Get(map, key);
        if (node is null)
        {
            Error(map, Join(field, key), "is required");
            return null;
        }

        return Text(node, Join(field, key));
    }

    public string? OptionalString(YamlMappingNode map, string key, string field)
    {
        var node = Get(map, key);
        return node is null ? null : Text(node, Join(field, key));
    }

    public string? Text(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: { } value } && value.Length > 0)
        {
            return value;
        }

        Error(node, field, "expected a non-empty string");
        return null;
    }

    public IReadOnlyList<string> StringList(YamlMappingNode map, string key, string field, bool required = false)
    {
        var node = Get(map, key);
        if (node is null)
        {
            if (required)
            {
                Error(map, Join(field, key), "is required");
            }

            return [];
        }

        if (node is YamlScalarNode scalar && scalar.Style == ScalarStyle.Plain && string.IsNullOrEmpty(scalar.Value))
        {
            return [];
        }

        if (node is not YamlSequenceNode seq)
        {
            Error(node, Join(field, key), "expected a list of strings");
            return [];
        }

        var result = new List<string>();
        var index = 0;
        foreach (var item in seq.Children)
        {
            if (Text(item, $"{Join(field, key)}[{index}]") is { } s)
            {
                result.Add(s);
            }

            index++;
        }

        return result;
    }

    public bool? OptionalBool(YamlMappingNode map, string key, string field)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: "true" })
        {
            return true;
        }

        if (node is YamlScalarNode { Value: "false" })
        {
            return false;
        }

        Error(node, Join(field, key), "expected true or false");
        return null;
    }

    public double? OptionalNumber(YamlMappingNode map, string key, string field)
    {
        var node = Get(map, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        Error(node, Join(field, key), "expected a number");
        return null;
    }

    public static string Join(string field, string key) => string.IsNullOrEmpty(field) ? key : $"{field}.{key}";
}

using PostureScanner.Core.Content;
using PostureScanner.Core.Inventory;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Core.Mapping;

/// <summary>Loads and validates <c>mappings/&lt;provider&gt;/&lt;type&gt;.yaml</c> files strictly.</summary>
public sealed class MappingLoader
{
    private static readonly string[] TopKeys = ["type", "description", "sources"];
    private static readonly string[] SourceKeys = ["native-type", "when", "name", "tags", "attributes"];
    private static readonly string[] AttributeKeys = ["expr", "type", "description"];

    private readonly ExpressionCompiler _compiler;

    public MappingLoader(ExpressionCompiler compiler)
    {
        _compiler = compiler;
    }

    public MappingSet LoadAll(ContentSource source)
    {
        var mappings = new List<MappingDefinition>();
        var errors = new List<ContentError>();
        foreach (var file in source.Files())
        {
            if (!file.RelativePath.EndsWith(".yaml", StringComparison.Ordinal))
            {
                continue;
            }

            var (mapping, fileErrors) = Load(file.RelativePath, file.ReadText());
            errors.AddRange(fileErrors);
            if (mapping is not null)
            {
                mappings.Add(mapping);
            }
        }

        foreach (var dup in mappings.GroupBy(m => (m.Provider, m.Type)).Where(g => g.Count() > 1))
        {
            errors.Add(new ContentError(dup.Last().File, 0, 0, "type", $"'{dup.Key.Type}' is mapped twice for {dup.Key.Provider.ToName()}"));
        }

        if (errors.Count > 0)
        {
            throw new ContentException(errors);
        }

        return new MappingSet(mappings);
    }

    /// <summary>Parses one file; <paramref name="relativePath"/> is <c>&lt;provider&gt;/&lt;type&gt;.yaml</c> (a leading <c>mappings/</c> is allowed).</summary>
    public (MappingDefinition? Mapping, IReadOnlyList<ContentError> Errors) Load(string relativePath, string text)
    {
        var doc = ContentDocument.Parse(relativePath, text);
        if (doc.Root is null)
        {
            return (null, doc.Errors);
        }

        var parts = relativePath.Replace('\\', '/').Split('/');
        var providerName = parts.Length >= 2 ? parts[^2] : "";
        var fileType = Path.GetFileNameWithoutExtension(parts[^1]);
        if (!ProviderNames.TryParse(providerName, out var provider))
        {
            doc.Error(doc.Root, "", $"a mapping must live in mappings/aws, mappings/azure or mappings/gcp (found '{providerName}')");
        }

        var map = doc.AsMapping(doc.Root, "");
        if (map is null)
        {
            return (null, doc.Errors);
        }

        doc.RejectUnknownKeys(map, "", TopKeys);
        var type = doc.RequiredString(map, "type", "");
        if (type is not null && type != fileType)
        {
            doc.Error(ContentDocument.Get(map, "type"), "type", $"'{type}' must equal the file name '{fileType}'");
        }

        if (type is not null && !NormalizedTypes.IsValidName(type))
        {
            doc.Error(ContentDocument.Get(map, "type"), "type", $"'{type}' is not <domain>.<kind> in snake_case");
        }

        var sources = new List<SourceMapping>();
        if (ContentDocument.Get(map, "sources") is YamlSequenceNode seq && seq.Children.Count > 0)
        {
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (LoadSource(doc, seq.Children[i], $"sources[{i}]", provider) is { } s)
                {
                    sources.Add(s);
                }
            }
        }
        else
        {
            doc.Error(ContentDocument.Get(map, "sources") ?? map, "sources", "is required: a non-empty list of native types");
        }

        if (doc.Errors.Count > 0 || type is null)
        {
            return (null, doc.Errors);
        }

        return (new MappingDefinition { Provider = provider, Type = type, File = relativePath, Sources = sources }, doc.Errors);
    }

    private SourceMapping? LoadSource(ContentDocument doc, YamlNode node, string field, Provider provider)
    {
        var map = doc.AsMapping(node, field);
        if (map is null)
        {
            return null;
        }

        doc.RejectUnknownKeys(map, field, SourceKeys);
        var nativeType = doc.RequiredString(map, "native-type", field);
        var when = doc.OptionalString(map, "when", field);
        var name = doc.OptionalString(map, "name", field) ?? ProviderDefaults.NameExpression(provider);
        var tags = doc.OptionalString(map, "tags", field) ?? ProviderDefaults.TagsExpression(provider);

        var attributes = new List<AttributeMapping>();
        if (ContentDocument.Get(map, "attributes") is YamlMappingNode attrs)
        {
            foreach (var (keyNode, valueNode) in attrs.Children)
            {
                var attrName = ((YamlScalarNode)keyNode).Value ?? "";
                var attrField = $"{field}.attributes.{attrName}";
                if (!AttributePaths.IsValid(attrName))
                {
                    doc.Error(keyNode, attrField, "attribute names are snake_case dotted paths");
                    continue;
                }

                if (LoadAttribute(doc, attrName, valueNode, attrField) is { } a)
                {
                    attributes.Add(a);
                }
            }
        }
        else
        {
            doc.Error(ContentDocument.Get(map, "attributes") ?? map, $"{field}.attributes", "is required: a mapping of attribute name to {expr, type}");
        }

        var compiledWhen = when is null ? null : Compile(doc, ContentDocument.Get(map, "when"), $"{field}.when", when);
        var compiledName = Compile(doc, ContentDocument.Get(map, "name") ?? map, $"{field}.name", name);
        var compiledTags = Compile(doc, ContentDocument.Get(map, "tags") ?? map, $"{field}.tags", tags);
        if (nativeType is null || compiledName is null || compiledTags is null)
        {
            return null;
        }

        return new SourceMapping
        {
            NativeType = nativeType,
            When = when,
            CompiledWhen = compiledWhen,
            Name = compiledName,
            Tags = compiledTags,
            Attributes = attributes,
        };
    }

    private AttributeMapping? LoadAttribute(ContentDocument doc, string name, YamlNode node, string field)
    {
        string? expr;
        var type = AttributeType.Any;
        if (node is YamlScalarNode)
        {
            expr = doc.Text(node, field);
        }
        else if (doc.AsMapping(node, field) is { } m)
        {
            doc.RejectUnknownKeys(m, field, AttributeKeys);
            expr = doc.RequiredString(m, "expr", field);
            var typeName = doc.OptionalString(m, "type", field);
            if (typeName is not null && !AttributeTypes.TryParse(typeName, out type))
            {
                doc.Error(ContentDocument.Get(m, "type"), $"{field}.type", $"unknown type '{typeName}'; expected one of: {string.Join(", ", AttributeTypes.Names)}");
            }
        }
        else
        {
            return null;
        }

        if (expr is null)
        {
            return null;
        }

        var compiled = Compile(doc, node, $"{field}.expr", expr);
        return compiled is null ? null : new AttributeMapping { Name = name, Expression = expr, Type = type, Compiled = compiled };
    }

    private DevLab.JmesPath.Expressions.JmesPathExpression? Compile(ContentDocument doc, YamlNode? node, string field, string expression)
    {
        try
        {
            return _compiler.Compile(expression);
        }
        catch (FormatException ex)
        {
            doc.Error(node, field, ex.Message);
            return null;
        }
    }
}

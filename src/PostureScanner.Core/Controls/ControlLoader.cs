using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls.Conditions;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Core.Controls;

/// <summary>
/// Loads <c>controls/&lt;domain&gt;/&lt;id&gt;.yaml</c> strictly: unknown keys, unknown operators, NIST ids
/// that are not in the committed catalog or are withdrawn, undeclared parameters and an id that
/// differs from the file name are all errors located by file, line and field.
/// </summary>
public sealed class ControlLoader
{
    private static readonly string[] Keys =
    [
        "id", "aliases", "title", "severity", "resource-type", "nist-800-53-r5", "description",
        "remediation", "tags", "parameters", "when", "check", "manual",
    ];

    private readonly NistCatalog _catalog;

    public ControlLoader(NistCatalog catalog)
    {
        _catalog = catalog;
    }

    /// <summary>Loads every control; throws <see cref="ContentException"/> listing every problem found.</summary>
    public ControlSet LoadAll(ContentSource source)
    {
        var (controls, errors) = Validate(source);
        if (errors.Count > 0)
        {
            throw new ContentException(errors);
        }

        return new ControlSet(controls);
    }

    /// <summary>Loads what it can and returns all problems, including cross-file ones (duplicate ids and aliases).</summary>
    public (IReadOnlyList<ControlDefinition> Controls, IReadOnlyList<ContentError> Errors) Validate(ContentSource source)
    {
        var controls = new List<ControlDefinition>();
        var errors = new List<ContentError>();
        foreach (var file in source.Files())
        {
            var (control, fileErrors) = Load(file.RelativePath, file.ReadText());
            errors.AddRange(fileErrors);
            if (control is not null)
            {
                controls.Add(control);
            }
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var control in controls)
        {
            foreach (var name in control.Aliases.Prepend(control.Id))
            {
                if (!seen.TryAdd(name, control.File))
                {
                    errors.Add(new ContentError(control.File, 0, 0, "id", $"'{name}' is already used by {seen[name]}"));
                }
            }
        }

        return (controls, errors);
    }

    /// <summary>Parses one control; <paramref name="relativePath"/> is <c>&lt;domain&gt;/&lt;id&gt;.yaml</c>.</summary>
    public (ControlDefinition? Control, IReadOnlyList<ContentError> Errors) Load(string relativePath, string text)
    {
        var doc = ContentDocument.Parse(relativePath, text);
        if (doc.Root is null || doc.AsMapping(doc.Root, "") is not { } map)
        {
            return (null, doc.Errors);
        }

        var parts = relativePath.Replace('\\', '/').Split('/');
        var fileId = Path.GetFileNameWithoutExtension(parts[^1]);
        var domain = parts.Length >= 2 ? parts[^2] : "";
        if (domain.Length == 0)
        {
            doc.Error(map, "", "a control must live in a domain folder: controls/<domain>/<id>.yaml");
        }

        doc.RejectUnknownKeys(map, "", Keys);
        var id = doc.RequiredString(map, "id", "");
        if (id is not null && id != fileId)
        {
            doc.Error(ContentDocument.Get(map, "id"), "id", $"'{id}' must equal the file name '{fileId}'");
        }

        var title = doc.RequiredString(map, "title", "");
        var severityText = doc.RequiredString(map, "severity", "");
        var severity = Severity.Info;
        if (severityText is not null && !Vocabulary.TryParseSeverity(severityText, out severity))
        {
            doc.Error(ContentDocument.Get(map, "severity"), "severity", $"'{severityText}' is not one of critical, high, medium, low, info");
        }

        var resourceType = doc.RequiredString(map, "resource-type", "");
        if (resourceType is not null && !NormalizedTypes.IsValidName(resourceType))
        {
            doc.Error(ContentDocument.Get(map, "resource-type"), "resource-type", $"'{resourceType}' is not <domain>.<kind> in snake_case");
        }

        var nist = ReadNist(doc, map);
        var description = doc.RequiredString(map, "description", "");
        var remediation = doc.RequiredString(map, "remediation", "");
        var aliases = doc.StringList(map, "aliases", "");
        var tags = doc.StringList(map, "tags", "");
        var parameters = ReadParameters(doc, map);
        var manual = ReadManual(doc, map);

        var parser = new ConditionParser(doc, parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
        var whenNode = ContentDocument.Get(map, "when");
        var when = whenNode is null ? null : parser.Parse(whenNode, "when");
        var checkNode = ContentDocument.Get(map, "check");
        Condition? check = null;
        if (checkNode is null)
        {
            doc.Error(map, "check", "is required");
        }
        else
        {
            check = parser.Parse(checkNode, "check");
        }

        if (doc.Errors.Count > 0 || id is null || title is null || resourceType is null || description is null || remediation is null || check is null)
        {
            return (null, doc.Errors);
        }

        return (new ControlDefinition
        {
            Id = id,
            Aliases = aliases,
            Title = title,
            Severity = severity,
            Domain = domain,
            ResourceType = resourceType,
            Nist = nist,
            Description = description.Trim(),
            Remediation = remediation.Trim(),
            Tags = tags,
            Parameters = parameters,
            When = when,
            Check = check,
            Manual = manual,
            File = relativePath,
        }, doc.Errors);
    }

    private List<string> ReadNist(ContentDocument doc, YamlMappingNode map)
    {
        var ids = doc.StringList(map, "nist-800-53-r5", "", required: true);
        var node = ContentDocument.Get(map, "nist-800-53-r5");
        if (node is not null && ids.Count == 0)
        {
            doc.Error(node, "nist-800-53-r5", "needs at least one NIST SP 800-53 Rev 5 id");
        }

        var result = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            var entry = _catalog.Find(ids[i]);
            var itemNode = node is YamlSequenceNode seq && i < seq.Children.Count ? seq.Children[i] : node;
            if (entry is null)
            {
                doc.Error(itemNode, $"nist-800-53-r5[{i}]", $"'{ids[i]}' is not in the NIST SP 800-53 Rev 5 catalog");
            }
            else if (entry.Withdrawn)
            {
                doc.Error(itemNode, $"nist-800-53-r5[{i}]", $"'{ids[i]}' ({entry.Label}) is withdrawn from NIST SP 800-53 Rev 5");
            }
            else
            {
                result.Add(entry.Id);
            }
        }

        return result;
    }

    private static List<ControlParameter> ReadParameters(ContentDocument doc, YamlMappingNode map)
    {
        var result = new List<ControlParameter>();
        if (ContentDocument.Get(map, "parameters") is not { } node)
        {
            return result;
        }

        if (doc.AsMapping(node, "parameters") is not { } parameters)
        {
            return result;
        }

        foreach (var (keyNode, valueNode) in parameters.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            var field = $"parameters.{name}";
            if (doc.AsMapping(valueNode, field) is not { } p)
            {
                continue;
            }

            doc.RejectUnknownKeys(p, field, "default", "description");
            var defaultNode = ContentDocument.Get(p, "default");
            if (defaultNode is null)
            {
                doc.Error(p, $"{field}.default", "is required");
                continue;
            }

            result.Add(new ControlParameter
            {
                Name = name,
                Default = YamlValues.ToJToken(defaultNode),
                Description = doc.OptionalString(p, "description", field),
            });
        }

        return result;
    }

    private static Dictionary<Provider, string> ReadManual(ContentDocument doc, YamlMappingNode map)
    {
        var result = new Dictionary<Provider, string>();
        if (ContentDocument.Get(map, "manual") is not { } node || doc.AsMapping(node, "manual") is not { } manual)
        {
            return result;
        }

        foreach (var (keyNode, valueNode) in manual.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            if (!ProviderNames.TryParse(name, out var provider))
            {
                doc.Error(keyNode, $"manual.{name}", "expected aws, azure or gcp");
                continue;
            }

            if (doc.Text(valueNode, $"manual.{name}") is { } reason)
            {
                result[provider] = reason;
            }
        }

        return result;
    }
}

using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Core.Policy;

/// <summary>Loads a policy YAML file strictly; every problem is reported with file, line and field.</summary>
public static class ScanPolicyLoader
{
    private static readonly string[] Baselines = ["low", "moderate", "high", "privacy"];

    public static ScanPolicy Load(string file, string text, ControlSet controls)
    {
        var doc = ContentDocument.Parse(file, text);
        if (doc.Root is null || doc.AsMapping(doc.Root, "") is not { } map)
        {
            throw new ContentException(doc.Errors);
        }

        doc.RejectUnknownKeys(map, "", "controls", "overrides", "exclusions");
        var policy = new ScanPolicy();
        if (ContentDocument.Get(map, "controls") is { } selNode && doc.AsMapping(selNode, "controls") is { } sel)
        {
            doc.RejectUnknownKeys(sel, "controls", "ids", "exclude-ids", "domains", "tags", "severities", "baseline");
            var severities = new List<Severity>();
            foreach (var s in doc.StringList(sel, "severities", "controls"))
            {
                if (Vocabulary.TryParseSeverity(s, out var sev))
                {
                    severities.Add(sev);
                }
                else
                {
                    doc.Error(ContentDocument.Get(sel, "severities"), "controls.severities", $"'{s}' is not one of critical, high, medium, low, info");
                }
            }

            var baseline = doc.OptionalString(sel, "baseline", "controls");
            if (baseline is not null && !Baselines.Contains(baseline, StringComparer.Ordinal))
            {
                doc.Error(ContentDocument.Get(sel, "baseline"), "controls.baseline", $"'{baseline}' is not one of low, moderate, high, privacy");
            }

            var ids = doc.StringList(sel, "ids", "controls");
            var excludeIds = doc.StringList(sel, "exclude-ids", "controls");
            foreach (var id in ids.Concat(excludeIds).Where(id => controls.Find(id) is null))
            {
                doc.Error(sel, "controls.ids", $"'{id}' is not a known control id or alias");
            }

            policy = policy with
            {
                Ids = ids,
                ExcludeIds = excludeIds,
                Domains = doc.StringList(sel, "domains", "controls"),
                Tags = doc.StringList(sel, "tags", "controls"),
                Severities = severities,
                Baseline = baseline,
            };
        }

        policy = policy with
        {
            Overrides = ReadOverrides(doc, map, controls),
            Exclusions = ReadExclusions(doc, map),
        };

        if (doc.Errors.Count > 0)
        {
            throw new ContentException(doc.Errors);
        }

        return policy;
    }

    private static Dictionary<string, ControlOverride> ReadOverrides(ContentDocument doc, YamlMappingNode map, ControlSet controls)
    {
        var result = new Dictionary<string, ControlOverride>(StringComparer.Ordinal);
        if (ContentDocument.Get(map, "overrides") is not { } node || doc.AsMapping(node, "overrides") is not { } overrides)
        {
            return result;
        }

        foreach (var (keyNode, valueNode) in overrides.Children)
        {
            var id = ((YamlScalarNode)keyNode).Value ?? "";
            var field = $"overrides.{id}";
            var control = controls.Find(id);
            if (control is null)
            {
                doc.Error(keyNode, field, "is not a known control id or alias");
                continue;
            }

            if (doc.AsMapping(valueNode, field) is not { } o)
            {
                continue;
            }

            doc.RejectUnknownKeys(o, field, "severity", "parameters");
            Severity? severity = null;
            if (doc.OptionalString(o, "severity", field) is { } sevText)
            {
                if (Vocabulary.TryParseSeverity(sevText, out var sev))
                {
                    severity = sev;
                }
                else
                {
                    doc.Error(ContentDocument.Get(o, "severity"), $"{field}.severity", $"'{sevText}' is not one of critical, high, medium, low, info");
                }
            }

            var parameters = new Dictionary<string, Newtonsoft.Json.Linq.JToken>(StringComparer.Ordinal);
            if (ContentDocument.Get(o, "parameters") is { } pNode && doc.AsMapping(pNode, $"{field}.parameters") is { } p)
            {
                foreach (var (pk, pv) in p.Children)
                {
                    var name = ((YamlScalarNode)pk).Value ?? "";
                    if (control.Parameters.All(x => x.Name != name))
                    {
                        doc.Error(pk, $"{field}.parameters.{name}", $"control {control.Id} has no such parameter; it has: {string.Join(", ", control.Parameters.Select(x => x.Name))}");
                        continue;
                    }

                    parameters[name] = YamlValues.ToJToken(pv);
                }
            }

            result[control.Id] = new ControlOverride(severity, parameters);
        }

        return result;
    }

    private static List<PolicyExclusion> ReadExclusions(ContentDocument doc, YamlMappingNode map)
    {
        var result = new List<PolicyExclusion>();
        if (ContentDocument.Get(map, "exclusions") is not { } node)
        {
            return result;
        }

        if (node is not YamlSequenceNode seq)
        {
            doc.Error(node, "exclusions", "expected a list");
            return result;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var field = $"exclusions[{i}]";
            if (doc.AsMapping(seq.Children[i], field) is not { } e)
            {
                continue;
            }

            doc.RejectUnknownKeys(e, field, "resource", "tag", "controls", "reason");
            var reason = doc.RequiredString(e, "reason", field);
            var resource = doc.OptionalString(e, "resource", field);
            var tag = doc.OptionalString(e, "tag", field);
            if (resource is null && tag is null)
            {
                doc.Error(e, field, "needs a resource pattern or a tag");
            }

            if (reason is null)
            {
                continue;
            }

            var eq = tag?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            result.Add(new PolicyExclusion
            {
                ResourcePattern = resource,
                Compiled = resource is null ? null : PolicyExclusion.Glob(resource),
                TagKey = tag is null ? null : eq >= 0 ? tag[..eq] : tag,
                TagValue = tag is not null && eq >= 0 ? tag[(eq + 1)..] : null,
                Controls = doc.StringList(e, "controls", field),
                Reason = reason,
            });
        }

        return result;
    }
}

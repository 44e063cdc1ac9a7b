using PostureScanner.Core.Content;
using PostureScanner.Core.Controls.Conditions;
using PostureScanner.Core.Mapping;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Core.Controls;

/// <summary>
/// Parses the check DSL. Each node is a one-key mapping whose key is the operator; there is one
/// spelling per operator (docs/controls.md). Errors carry file, line and the field path.
/// </summary>
internal sealed class ConditionParser
{
    public static readonly IReadOnlyList<string> Operators =
    [
        "all", "any", "not", "exists", "equals", "in", "contains", "matches",
        "greater-than", "greater-or-equal", "less-than", "less-or-equal", "within-days",
        "none", "every", "some", "cidr-is-internet", "cidr-within", "ports-include",
    ];

    private readonly ContentDocument _doc;
    private readonly IReadOnlySet<string> _parameters;

    public ConditionParser(ContentDocument doc, IReadOnlySet<string> parameters)
    {
        _doc = doc;
        _parameters = parameters;
    }

    public Condition? Parse(YamlNode node, string field)
    {
        if (node is not YamlMappingNode map || map.Children.Count != 1)
        {
            _doc.Error(node, field, $"a condition is a mapping with exactly one operator: {string.Join(", ", Operators)}");
            return null;
        }

        var (keyNode, arg) = map.Children.First();
        var op = ((YamlScalarNode)keyNode).Value ?? "";
        var f = $"{field}.{op}";
        Condition? result = op switch
        {
            "all" => List(arg, f) is { } all ? new AllCondition(all) : null,
            "any" => List(arg, f) is { } any ? new AnyCondition(any) : null,
            "not" => Parse(arg, f) is { } inner ? new NotCondition(inner) : null,
            "exists" => Path(arg, f) is { } p ? new ExistsCondition(p) : null,
            "cidr-is-internet" => Path(arg, f) is { } p2 ? new CidrIsInternetCondition(p2) : null,
            "equals" => WithAttribute(arg, f, ["value", "ignore-case"], (m, a) => Operand(m, "value", f) is { } v ? new EqualsCondition(a, v, IgnoreCase(m, f)) : null),
            "in" => WithAttribute(arg, f, ["values", "ignore-case"], (m, a) => Operand(m, "values", f, list: true) is { } v ? new InCondition(a, v, IgnoreCase(m, f)) : null),
            "contains" => WithAttribute(arg, f, ["value", "ignore-case"], (m, a) => Operand(m, "value", f) is { } v ? new ContainsCondition(a, v, IgnoreCase(m, f)) : null),
            "matches" => WithAttribute(arg, f, ["pattern"], (m, a) => Pattern(m, f) is { } pat ? new MatchesCondition(a, pat) : null),
            "greater-than" => Compare(arg, f, CompareOperator.GreaterThan),
            "greater-or-equal" => Compare(arg, f, CompareOperator.GreaterOrEqual),
            "less-than" => Compare(arg, f, CompareOperator.LessThan),
            "less-or-equal" => Compare(arg, f, CompareOperator.LessOrEqual),
            "within-days" => WithAttribute(arg, f, ["days"], (m, a) => Operand(m, "days", f, number: true) is { } v ? new WithinDaysCondition(a, v) : null),
            "none" => Quantifier(arg, f, QuantifierKind.None),
            "every" => Quantifier(arg, f, QuantifierKind.Every),
            "some" => Quantifier(arg, f, QuantifierKind.Some),
            "cidr-within" => WithAttribute(arg, f, ["ranges"], (m, a) => Operand(m, "ranges", f, list: true) is { } v ? new CidrWithinCondition(a, v) : null),
            "ports-include" => WithAttribute(arg, f, ["ports"], (m, a) => Operand(m, "ports", f) is { } v ? new PortsIncludeCondition(a, v) : null),
            _ => Unknown(keyNode, field, op),
        };

        return result is null ? null : result with { Line = keyNode.Start.Line };
    }

    private Condition? Unknown(YamlNode keyNode, string field, string op)
    {
        _doc.Error(keyNode, $"{field}.{op}", $"unknown operator; expected one of: {string.Join(", ", Operators)}");
        return null;
    }

    private List<Condition>? List(YamlNode node, string field)
    {
        if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
        {
            _doc.Error(node, field, "expected a non-empty list of conditions");
            return null;
        }

        var result = new List<Condition>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (Parse(seq.Children[i], $"{field}[{i}]") is { } c)
            {
                result.Add(c);
            }
        }

        return result.Count == seq.Children.Count ? result : null;
    }

    private string? Path(YamlNode node, string field)
    {
        var path = _doc.Text(node, field);
        if (path is not null && !AttributePaths.IsValid(path))
        {
            _doc.Error(node, field, $"'{path}' is not a snake_case dotted attribute path");
            return null;
        }

        return path;
    }

    private Condition? WithAttribute(YamlNode node, string field, string[] keys, Func<YamlMappingNode, string, Condition?> build)
    {
        if (_doc.AsMapping(node, field) is not { } map)
        {
            return null;
        }

        _doc.RejectUnknownKeys(map, field, ["attribute", .. keys]);
        var attributeNode = ContentDocument.Get(map, "attribute");
        if (attributeNode is null)
        {
            _doc.Error(map, $"{field}.attribute", "is required");
            return null;
        }

        return Path(attributeNode, $"{field}.attribute") is { } attribute ? build(map, attribute) : null;
    }

    private Condition? Compare(YamlNode node, string field, CompareOperator op) =>
        WithAttribute(node, field, ["value"], (m, a) => Operand(m, "value", field, number: true) is { } v ? new CompareCondition(a, op, v) : null);

    private Condition? Quantifier(YamlNode node, string field, QuantifierKind kind) =>
        WithAttribute(node, field, ["where"], (m, a) =>
        {
            var where = ContentDocument.Get(m, "where");
            if (where is null)
            {
                _doc.Error(m, $"{field}.where", "is required: the condition each element is tested with");
                return null;
            }

            return Parse(where, $"{field}.where") is { } w ? new QuantifierCondition(kind, a, w) : null;
        });

    private bool IgnoreCase(YamlMappingNode map, string field) => _doc.OptionalBool(map, "ignore-case", field) ?? false;

    private string? Pattern(YamlMappingNode map, string field)
    {
        var node = ContentDocument.Get(map, "pattern");
        if (node is null)
        {
            _doc.Error(map, $"{field}.pattern", "is required");
            return null;
        }

        var pattern = _doc.Text(node, $"{field}.pattern");
        if (pattern is null)
        {
            return null;
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            return pattern;
        }
        catch (ArgumentException ex)
        {
            _doc.Error(node, $"{field}.pattern", $"invalid regular expression: {ex.Message}");
            return null;
        }
    }

    private Operand? Operand(YamlMappingNode map, string key, string field, bool list = false, bool number = false)
    {
        var node = ContentDocument.Get(map, key);
        var f = $"{field}.{key}";
        if (node is null)
        {
            _doc.Error(map, f, "is required");
            return null;
        }

        if (node is YamlMappingNode paramMap)
        {
            if (paramMap.Children.Count == 1 && ContentDocument.Get(paramMap, "param") is YamlScalarNode { Value: { } name })
            {
                if (!_parameters.Contains(name))
                {
                    _doc.Error(paramMap, f, $"parameter '{name}' is not declared under parameters");
                    return null;
                }

                return Conditions.Operand.Param(name);
            }

            _doc.Error(node, f, "expected a value or {param: NAME}");
            return null;
        }

        var value = YamlValues.ToJToken(node);
        if (list && value is not Newtonsoft.Json.Linq.JArray)
        {
            _doc.Error(node, f, "expected a list");
            return null;
        }

        if (number && !JsonValues.IsNumber(value))
        {
            _doc.Error(node, f, "expected a number");
            return null;
        }

        return Conditions.Operand.Of(value);
    }
}

using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>Typed comparison of JSON scalars: numbers compare numerically (22 equals 22.0); types never coerce.</summary>
public static class JsonValues
{
    public static bool IsNumber(JToken t) => t.Type is JTokenType.Integer or JTokenType.Float;

    /// <summary>Whether <paramref name="actual"/> has the JSON type of <paramref name="expected"/>.</summary>
    public static bool SameKind(JToken actual, JToken expected) =>
        (IsNumber(actual) && IsNumber(expected)) || actual.Type == expected.Type
        || (actual.Type is JTokenType.String or JTokenType.Date && expected.Type is JTokenType.String or JTokenType.Date);

    public static bool ValueEquals(JToken actual, JToken expected, bool ignoreCase = false)
    {
        if (IsNumber(actual) && IsNumber(expected))
        {
            return actual.Value<double>().Equals(expected.Value<double>());
        }

        if (actual.Type == JTokenType.String && expected.Type == JTokenType.String)
        {
            return string.Equals(actual.Value<string>(), expected.Value<string>(), ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }

        return JToken.DeepEquals(actual, expected);
    }

    /// <summary>The elements of a list, or the value itself as a one-element sequence.</summary>
    public static IEnumerable<JToken> Items(JToken value) => value is JArray array ? array.Children() : [value];

    public static string KindName(JToken t) => t.Type switch
    {
        JTokenType.Integer or JTokenType.Float => "number",
        JTokenType.Boolean => "boolean",
        JTokenType.Array => "list",
        JTokenType.Object => "object",
        _ => "string",
    };
}

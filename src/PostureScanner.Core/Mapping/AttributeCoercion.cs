using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping;

/// <summary>
/// Coerces a JMESPath result to the attribute's declared type, tolerating the clouds' habits
/// (numbers as strings or floats, booleans as "true"/"Enabled"). A value that cannot be coerced
/// is dropped: the attribute is then missing and checks on it report unknown.
/// </summary>
public static class AttributeCoercion
{
    public static JToken? Coerce(JToken? value, AttributeType type)
    {
        if (value is null || value.Type == JTokenType.Null)
        {
            return null;
        }

        return type switch
        {
            AttributeType.Any => value,
            AttributeType.Boolean => ToBoolean(value),
            AttributeType.Number => ToNumber(value),
            AttributeType.String => ToStringValue(value),
            AttributeType.DateTime => Timestamps.TryParse(value, out var t) ? new JValue(t.ToString("O", CultureInfo.InvariantCulture)) : null,
            AttributeType.List => value.Type == JTokenType.Array ? value : null,
            AttributeType.Object => value.Type == JTokenType.Object ? value : null,
            _ => value,
        };
    }

    private static JValue? ToBoolean(JToken value)
    {
        if (value.Type == JTokenType.Boolean)
        {
            return (JValue)value;
        }

        if (value.Type == JTokenType.String)
        {
            return value.Value<string>()!.Trim().ToUpperInvariant() switch
            {
                "TRUE" or "ENABLED" or "ON" or "YES" => new JValue(true),
                "FALSE" or "DISABLED" or "OFF" or "NO" => new JValue(false),
                _ => null,
            };
        }

        return null;
    }

    private static JValue? ToStringValue(JToken value) => value.Type switch
    {
        JTokenType.String => (JValue)value,
        JTokenType.Boolean => new JValue(value.Value<bool>() ? "true" : "false"),
        JTokenType.Integer or JTokenType.Float => new JValue(value.Value<double>().ToString(CultureInfo.InvariantCulture)),
        _ => null,
    };

    private static JValue? ToNumber(JToken value)
    {
        if (value.Type is JTokenType.Integer or JTokenType.Float)
        {
            return new JValue(value.Value<double>());
        }

        if (value.Type == JTokenType.String
            && double.TryParse(value.Value<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return new JValue(d);
        }

        return null;
    }
}

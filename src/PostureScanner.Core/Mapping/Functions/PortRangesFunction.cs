using System.Globalization;
using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping.Functions;

/// <summary>
/// <c>port_ranges(value)</c>: the ports a rule opens as a list of <c>{"from": n, "to": n}</c>.
/// Accepts what the clouds send: numbers (AWS advanced query writes <c>22.0</c>), strings
/// (<c>"22"</c>, <c>"1000-2000"</c>, <c>"*"</c>, <c>"all"</c>) and lists of those. <c>null</c> stays null, so a
/// mapping says explicitly when absence means "all ports" (<c>port_ranges(ports || '*')</c>).
/// </summary>
internal sealed class PortRangesFunction : JmesPathFunction
{
    public PortRangesFunction()
        : base("port_ranges", 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var value = args[0].Token;
        if (value is null || value.Type == JTokenType.Null)
        {
            return JValue.CreateNull();
        }

        var result = new JArray();
        foreach (var item in Controls.Conditions.JsonValues.Items(value))
        {
            if (Parse(item) is { } range)
            {
                result.Add(new JObject { ["from"] = range.From, ["to"] = range.To });
            }
        }

        return result;
    }

    internal static (int From, int To)? Parse(JToken item)
    {
        switch (item.Type)
        {
            case JTokenType.Integer:
            case JTokenType.Float:
                var n = (int)Math.Round(item.Value<double>());
                return (n, n);
            case JTokenType.String:
                var s = item.Value<string>()!.Trim();
                if (s is "*" or "" || s.Equals("all", StringComparison.OrdinalIgnoreCase) || s.Equals("any", StringComparison.OrdinalIgnoreCase))
                {
                    return (0, 65535);
                }

                var dash = s.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0
                    && double.TryParse(s[..dash], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                    && double.TryParse(s[(dash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
                {
                    return ((int)a, (int)b);
                }

                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var single))
                {
                    return ((int)single, (int)single);
                }

                return null;
            default:
                return null;
        }
    }
}

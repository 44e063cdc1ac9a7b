using System.Globalization;
using System.Xml;
using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping.Functions;

/// <summary>
/// <c>duration_seconds(value)</c>: a duration in seconds from Google's <c>"7776000s"</c>, ISO 8601
/// (<c>"P90D"</c>, <c>"PT1H"</c>) or a plain number. Unparseable input gives null.
/// </summary>
internal sealed class DurationSecondsFunction : JmesPathFunction
{
    public DurationSecondsFunction()
        : base("duration_seconds", 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var value = args[0].Token;
        if (value is null)
        {
            return JValue.CreateNull();
        }

        if (value.Type is JTokenType.Integer or JTokenType.Float)
        {
            return new JValue(value.Value<double>());
        }

        if (value.Type != JTokenType.String)
        {
            return JValue.CreateNull();
        }

        var s = value.Value<string>()!.Trim();
        if (s.EndsWith('s') && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var secs))
        {
            return new JValue(secs);
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            return new JValue(plain);
        }

        try
        {
            return new JValue(XmlConvert.ToTimeSpan(s).TotalSeconds);
        }
        catch (FormatException)
        {
            return JValue.CreateNull();
        }
    }
}

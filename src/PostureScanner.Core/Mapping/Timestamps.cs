using System.Globalization;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping;

/// <summary>
/// Reads the timestamp shapes real inventories carry: ISO 8601/RFC 3339 strings (with or
/// without offsets), epoch seconds as numbers (AWS Config wire format), epoch milliseconds as
/// numbers or strings (BigQuery), and .NET <see cref="DateTime"/> values.
/// </summary>
public static class Timestamps
{
    // Epoch values above this are milliseconds (it is 5138-11-16 in seconds).
    private const double MillisecondsThreshold = 100_000_000_000;

    public static bool TryParse(JToken value, out DateTimeOffset result)
    {
        result = default;
        switch (value.Type)
        {
            case JTokenType.Date:
                var raw = ((JValue)value).Value;
                result = raw is DateTimeOffset dto ? dto : new DateTimeOffset(DateTime.SpecifyKind((DateTime)raw!, DateTimeKind.Utc));
                return true;
            case JTokenType.Integer:
            case JTokenType.Float:
                return FromEpoch(value.Value<double>(), out result);
            case JTokenType.String:
                var s = value.Value<string>()!.Trim();
                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                {
                    return FromEpoch(n, out result);
                }

                return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out result);
            default:
                return false;
        }
    }

    private static bool FromEpoch(double value, out DateTimeOffset result)
    {
        result = default;
        if (double.IsNaN(value) || value < 0)
        {
            return false;
        }

        var ms = value >= MillisecondsThreshold ? value : value * 1000;
        if (ms > 253402300799999)
        {
            return false;
        }

        result = DateTimeOffset.FromUnixTimeMilliseconds((long)ms).ToUniversalTime();
        return true;
    }
}

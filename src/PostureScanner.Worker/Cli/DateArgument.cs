using System.Globalization;
using System.Text.RegularExpressions;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// Dates on the command line: <c>2026-06-30</c> (UTC), a full ISO 8601 timestamp, or a span from now
/// such as <c>90d</c>, <c>12h</c>, <c>2w</c>.
/// </summary>
internal static partial class DateArgument
{
    /// <summary>
    /// Parses <paramref name="value"/>; a plain date means its start (<paramref name="endOfDay"/> false) or
    /// its end (true: an expiry "2026-06-30" lasts through that day). Null when the value is not a date.
    /// </summary>
    public static DateTimeOffset? Parse(string value, DateTimeOffset now, bool endOfDay)
    {
        var relative = Relative().Match(value.Trim());
        if (relative.Success)
        {
            var n = int.Parse(relative.Groups[1].Value, CultureInfo.InvariantCulture);
            return relative.Groups[2].Value switch
            {
                "h" => now.AddHours(n),
                "w" => now.AddDays(7 * n),
                _ => now.AddDays(n),
            };
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1) : start;
        }

        return DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Format(DateTimeOffset? value) => value is { } v ? Format(v) : "";

    [GeneratedRegex(@"^(\d{1,5})([dhw])$", RegexOptions.CultureInvariant)]
    private static partial Regex Relative();
}

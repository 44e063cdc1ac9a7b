using System.Text.RegularExpressions;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Policy;

/// <summary>
/// Resources a policy leaves out, with the reason an auditor will ask for: by native-id glob
/// (<c>*</c>, <c>?</c>; case-insensitive since ARM ids are), by tag (<c>key=value</c> or <c>key</c>),
/// optionally only for some controls.
/// </summary>
public sealed record PolicyExclusion
{
    public string? ResourcePattern { get; init; }

    public string? TagKey { get; init; }

    public string? TagValue { get; init; }

    public IReadOnlyList<string> Controls { get; init; } = [];

    public required string Reason { get; init; }

    internal Regex? Compiled { get; init; }

    public bool Matches(string controlId, Resource resource)
    {
        if (Controls.Count > 0 && !Controls.Contains(controlId, StringComparer.Ordinal))
        {
            return false;
        }

        if (Compiled is not null && !Compiled.IsMatch(resource.Id))
        {
            return false;
        }

        if (TagKey is not null)
        {
            if (!resource.Tags.TryGetValue(TagKey, out var value) || (TagValue is not null && value != TagValue))
            {
                return false;
            }
        }

        return true;
    }

    internal static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}

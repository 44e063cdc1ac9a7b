using System.Text.RegularExpressions;

namespace PostureScanner.Core.Mapping;

/// <summary>Normalized type names: <c>&lt;domain&gt;.&lt;kind&gt;</c> in snake_case (DECISIONS 5).</summary>
public static partial class NormalizedTypes
{
    public static bool IsValidName(string type) => Pattern().IsMatch(type);

    [GeneratedRegex("^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

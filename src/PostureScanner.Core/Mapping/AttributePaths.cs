using System.Text.RegularExpressions;

namespace PostureScanner.Core.Mapping;

/// <summary>Attribute names are snake_case dotted paths (<c>encryption.at_rest.enabled</c>).</summary>
public static partial class AttributePaths
{
    public static bool IsValid(string path) => Pattern().IsMatch(path);

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

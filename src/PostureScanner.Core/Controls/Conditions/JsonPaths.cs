using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>Dotted-path navigation into JSON values (attribute paths never contain dots inside a key).</summary>
public static class JsonPaths
{
    public static JToken? Navigate(JToken? root, string path)
    {
        var current = root;
        var start = 0;
        while (start <= path.Length)
        {
            var dot = path.IndexOf('.', start);
            var end = dot < 0 ? path.Length : dot;
            if (current is not JObject obj)
            {
                return null;
            }

            // JObject looks keys up by string; a segment equal to the whole path needs no copy.
            var segment = start == 0 && end == path.Length ? path : path[start..end];
            if (!obj.TryGetValue(segment, out var next))
            {
                return null;
            }

            current = next;
            start = end + 1;
        }

        return current;
    }

    /// <summary>
    /// Reads <paramref name="path"/> from a flat attribute map, falling back to the longest
    /// attribute that is a prefix of the path and navigating into its object value.
    /// </summary>
    public static JToken? Lookup(IReadOnlyDictionary<string, JToken> attributes, string path)
    {
        if (attributes.TryGetValue(path, out var exact))
        {
            return exact;
        }

        var cut = path.LastIndexOf('.');
        while (cut > 0)
        {
            if (attributes.TryGetValue(path[..cut], out var prefix))
            {
                return Navigate(prefix, path[(cut + 1)..]);
            }

            cut = path.LastIndexOf('.', cut - 1);
        }

        return null;
    }
}

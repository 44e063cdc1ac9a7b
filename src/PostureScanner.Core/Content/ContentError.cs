using System.Globalization;

namespace PostureScanner.Core.Content;

/// <summary>One located problem in a content file (line and column are 1-based; 0 when unknown).</summary>
public sealed record ContentError(string File, long Line, long Column, string Field, string Problem)
{
    public override string ToString()
    {
        var location = Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}")
            : File;
        return string.IsNullOrEmpty(Field) ? $"{location}: {Problem}" : $"{location}: {Field}: {Problem}";
    }
}

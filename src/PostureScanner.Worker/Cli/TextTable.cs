namespace PostureScanner.Worker.Cli;

/// <summary>Left-aligned plain-text table for terminals; long cells are cut with an ellipsis so rows stay on one line.</summary>
internal static class TextTable
{
    private const int MaxCell = 70;

    public static void Write(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        var cells = rows.Select(r => r.Select(Cut).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in cells)
        {
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Cut(string value) => value.Length <= MaxCell ? value : string.Concat(value.AsSpan(0, MaxCell - 1), "…");
}

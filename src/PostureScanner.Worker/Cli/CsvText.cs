namespace PostureScanner.Worker.Cli;

/// <summary>RFC 4180 rows for the store verbs' <c>--format csv</c>: fields with commas, quotes or line breaks are quoted.</summary>
internal static class CsvText
{
    public static void WriteRow(TextWriter output, IEnumerable<string?> fields)
    {
        output.Write(string.Join(',', fields.Select(Escape)));
        output.Write("\r\n");
    }

    private static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }

        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}

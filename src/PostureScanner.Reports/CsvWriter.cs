using System.Text;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports;

/// <summary>
/// Results as RFC 4180 CSV for auditors' spreadsheets: a header row, CRLF line ends, fields quoted when they hold
/// a comma, quote, CR or LF, quotes doubled. UTF-8 without a byte order mark. Same rows and order as the JSON.
/// </summary>
/// <remarks>
/// Resource names, tags and evidence come from the cloud and anyone who can name a resource controls them. A
/// cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR is run as a formula by spreadsheet programs
/// (OWASP "CSV injection"), so by default such a cell gets a leading apostrophe, which spreadsheets show as text.
/// Pass <c>neutralizeFormulas: false</c> for byte-faithful cells read by programs.
/// </remarks>
public sealed class CsvWriter : IReportWriter
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "controlId", "provider", "account", "region", "type", "nativeType", "resourceId", "name", "status",
        "severity", "nist", "fingerprint", "evidence", "message",
    ];

    private const int FlushThreshold = 64 * 1024;

    private readonly NistCatalog _catalog;
    private readonly bool _neutralizeFormulas;

    public CsvWriter(NistCatalog catalog, bool neutralizeFormulas = true)
    {
        _catalog = catalog;
        _neutralizeFormulas = neutralizeFormulas;
    }

    public string Format => "csv";

    public string FileExtension => ".csv";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var nist = new NistLabels(_catalog);
        await using var text = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        var row = new StringBuilder(512);
        AppendRow(row, Columns);
        foreach (var e in report.ListedResults())
        {
            var r = e.Resource;
            AppendRow(row,
            [
                e.Control.Definition.Id, r.Provider.ToName(), r.Account, r.Region, r.Type, r.NativeType, r.Id, r.Name,
                e.Status.ToName(), e.Severity.ToName(), string.Join(' ', nist.For(e.Control)), e.Fingerprint,
                JsonTokens.ToCompactJson(e.Evidence), e.Message ?? "",
            ]);
            if (row.Length >= FlushThreshold)
            {
                await text.WriteAsync(row, cancellationToken);
                row.Clear();
            }
        }

        await text.WriteAsync(row, cancellationToken);
        await text.FlushAsync(cancellationToken);
    }

    /// <summary>One field as RFC 4180 wants it.</summary>
    public static string Escape(string value, bool neutralizeFormulas = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (neutralizeFormulas && value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private void AppendRow(StringBuilder row, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                row.Append(',');
            }

            row.Append(Escape(fields[i], _neutralizeFormulas));
        }

        row.Append("\r\n");
    }
}

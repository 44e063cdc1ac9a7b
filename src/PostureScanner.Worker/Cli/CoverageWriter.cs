using System.Globalization;
using System.Text.Json;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Coverage;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>Renders the computed coverage matrix as a table, JSON (a documented contract) or Markdown.</summary>
internal static class CoverageWriter
{
    public static string Name(CoverageStatus status) => status switch
    {
        CoverageStatus.Automated => "automated",
        CoverageStatus.Manual => "manual",
        _ => "none",
    };

    public static void WriteJson(TextWriter output, CoverageMatrix matrix, NistCatalog catalog)
    {
        using var json = new Utf8JsonWriter(OutputStream.Of(output), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("controls");
        foreach (var row in matrix.Rows)
        {
            json.WriteStartObject();
            json.WriteString("id", row.Control.Id);
            json.WriteString("title", row.Control.Title);
            json.WriteString("resourceType", row.Control.ResourceType);
            json.WriteString("severity", Core.Controls.Vocabulary.ToName(row.Control.Severity));
            json.WriteStartArray("nist");
            foreach (var id in row.Control.Nist)
            {
                json.WriteStringValue(catalog.Label(id));
            }

            json.WriteEndArray();
            json.WriteStartObject("providers");
            foreach (var p in ProviderNames.All)
            {
                json.WriteString(p.ToName(), Name(row.Providers[p]));
            }

            json.WriteEndObject();
            json.WriteStartObject("reasons");
            foreach (var (p, reason) in row.Reasons.OrderBy(r => r.Key))
            {
                json.WriteString(p.ToName(), reason);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("totals");
        json.WriteNumber("controls", matrix.Rows.Count);
        foreach (var p in ProviderNames.All)
        {
            json.WriteStartObject(p.ToName());
            foreach (var s in Enum.GetValues<CoverageStatus>())
            {
                json.WriteNumber(Name(s), matrix.Count(p, s));
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("families");
        foreach (var f in Families(matrix, catalog))
        {
            json.WriteStartObject();
            json.WriteString("family", f.Id.ToUpperInvariant());
            json.WriteString("title", f.Title);
            json.WriteNumber("controls", f.Controls);
            json.WriteStartObject("automated");
            foreach (var p in ProviderNames.All)
            {
                json.WriteNumber(p.ToName(), f.Automated[p]);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteLine();
    }

    public static void WriteTable(TextWriter output, CoverageMatrix matrix, NistCatalog catalog)
    {
        var rows = matrix.Rows.Select(r => new[]
        {
            r.Control.Id, Name(r.Providers[Provider.Aws]), Name(r.Providers[Provider.Azure]), Name(r.Providers[Provider.Gcp]),
            string.Join(" ", r.Control.Nist.Select(catalog.Label)),
        }).ToList();
        TextTable.Write(output, ["CONTROL", "AWS", "AZURE", "GCP", "NIST 800-53 R5"], rows);
        output.WriteLine();
        TextTable.Write(output, ["CLOUD", "AUTOMATED", "MANUAL", "NONE"],
            ProviderNames.All.Select(p => new[] { p.ToName(), Count(matrix, p, CoverageStatus.Automated), Count(matrix, p, CoverageStatus.Manual), Count(matrix, p, CoverageStatus.None) }).ToList());
        output.WriteLine();
        TextTable.Write(output, ["NIST FAMILY", "CONTROLS", "AWS", "AZURE", "GCP"],
            Families(matrix, catalog).Select(f => new[]
            {
                $"{f.Id.ToUpperInvariant()} {f.Title}", Int(f.Controls), Int(f.Automated[Provider.Aws]), Int(f.Automated[Provider.Azure]), Int(f.Automated[Provider.Gcp]),
            }).ToList());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{matrix.Rows.Count} controls"));
    }

    public static void WriteMarkdown(TextWriter output, CoverageMatrix matrix, NistCatalog catalog)
    {
        output.WriteLine("| control | AWS | Azure | GCP | NIST SP 800-53 Rev 5 |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var r in matrix.Rows)
        {
            output.WriteLine($"| `{r.Control.Id}` | {Name(r.Providers[Provider.Aws])} | {Name(r.Providers[Provider.Azure])} | {Name(r.Providers[Provider.Gcp])} | {string.Join(", ", r.Control.Nist.Select(catalog.Label))} |");
        }

        output.WriteLine();
        output.WriteLine("| cloud | automated | manual | none |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var p in ProviderNames.All)
        {
            output.WriteLine($"| {p.ToName()} | {Count(matrix, p, CoverageStatus.Automated)} | {Count(matrix, p, CoverageStatus.Manual)} | {Count(matrix, p, CoverageStatus.None)} |");
        }

        output.WriteLine();
        output.WriteLine("| NIST family | controls | AWS | Azure | GCP |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var f in Families(matrix, catalog))
        {
            output.WriteLine($"| {f.Id.ToUpperInvariant()} {f.Title} | {Int(f.Controls)} | {Int(f.Automated[Provider.Aws])} | {Int(f.Automated[Provider.Azure])} | {Int(f.Automated[Provider.Gcp])} |");
        }
    }

    private sealed record FamilyRow(string Id, string Title, int Controls, IReadOnlyDictionary<Provider, int> Automated);

    /// <summary>Per NIST family: how many controls support it and how many of those are automated per cloud.</summary>
    private static List<FamilyRow> Families(CoverageMatrix matrix, NistCatalog catalog) =>
        matrix.Rows
            .SelectMany(r => r.Control.Nist.Select(id => catalog.Find(id)?.Family ?? id.Split('-')[0]).Distinct().Select(f => (Family: f, Row: r)))
            .GroupBy(x => x.Family, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FamilyRow(
                g.Key,
                catalog.Families.GetValueOrDefault(g.Key, g.Key),
                g.Count(),
                ProviderNames.All.ToDictionary(p => p, p => g.Count(x => x.Row.Providers[p] == CoverageStatus.Automated))))
            .ToList();

    private static string Count(CoverageMatrix m, Provider p, CoverageStatus s) => Int(m.Count(p, s));

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

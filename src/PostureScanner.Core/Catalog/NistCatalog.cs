using System.Text.Json;
using System.Text.RegularExpressions;
using PostureScanner.Core.Content;

namespace PostureScanner.Core.Catalog;

/// <summary>
/// The NIST SP 800-53 Rev 5 catalog committed as <c>mappings/nist-800-53-r5.json</c> (derived by
/// <c>scripts/derive-nist-catalog.py</c>). Accepts ids in display form (<c>AC-2(1)</c>) and
/// catalog form (<c>ac-2.1</c>); stores and compares the catalog form.
/// </summary>
public sealed partial class NistCatalog
{
    private readonly Dictionary<string, NistControl> _controls;

    private NistCatalog(IEnumerable<NistControl> controls, IReadOnlyDictionary<string, string> families)
    {
        _controls = controls.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Families = families;
    }

    /// <summary>Family id (<c>ac</c>) to title (<c>Access Control</c>).</summary>
    public IReadOnlyDictionary<string, string> Families { get; }

    public IEnumerable<NistControl> Controls => _controls.Values;

    public static NistCatalog Embedded { get; } = Parse(ContentSource.ReadEmbedded("mappings/nist-800-53-r5.json"));

    public static NistCatalog Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var families = doc.RootElement.GetProperty("families").EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("title").GetString()!, StringComparer.Ordinal);
        var controls = doc.RootElement.GetProperty("controls").EnumerateArray().Select(c => new NistControl(
            c.GetProperty("id").GetString()!,
            c.GetProperty("label").GetString()!,
            c.GetProperty("family").GetString()!,
            c.GetProperty("title").GetString()!,
            c.GetProperty("withdrawn").GetBoolean(),
            c.GetProperty("baselines").EnumerateArray().Select(b => b.GetString()!).ToArray()));
        return new NistCatalog(controls, families);
    }

    public NistControl? Find(string id) => _controls.GetValueOrDefault(ToCatalogId(id));

    /// <summary><c>AC-2(1)</c> or <c>ac-2.1</c> to <c>ac-2.1</c>; anything else is returned lowercased for the lookup to fail.</summary>
    public static string ToCatalogId(string id)
    {
        var m = DisplayForm().Match(id.Trim());
        if (m.Success)
        {
            var family = m.Groups[1].Value.ToLowerInvariant();
            var number = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            return m.Groups[3].Success ? $"{family}-{number}.{int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)}" : $"{family}-{number}";
        }

        return id.Trim().ToLowerInvariant();
    }

    /// <summary>The display label for a catalog id (<c>sc-7.4</c> to <c>SC-7(4)</c>).</summary>
    public string Label(string catalogId) => Find(catalogId)?.Label ?? catalogId.ToUpperInvariant();

    [GeneratedRegex(@"^([A-Za-z]{2})-0*(\d+)(?:\((\d+)\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DisplayForm();
}

using System.Security.Cryptography;
using System.Text;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Mapping;

namespace PostureScanner.Worker.Cli;

/// <summary>The controls, mappings and catalog a command runs with: the built-in copies, or directories given with --controls / --mappings.</summary>
internal sealed record ScanContent(NistCatalog Catalog, ControlSet Controls, MappingSet Mappings)
{
    /// <summary>
    /// SHA-256 over every control and mapping file (path and text) and the scanner's build: two scans with
    /// the same fingerprint turn the same record into the same resources (a stored scan keeps unchanged
    /// records unparsed only then).
    /// </summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>Where <see cref="Mappings"/> came from: <see cref="NewMappings"/> compiles them again.</summary>
    public ContentSource? MappingSource { get; init; }

    /// <summary>
    /// The mappings compiled anew, for another thread: JmesPath.Net's compiled expressions keep evaluation
    /// state (a <c>let</c> scope), so two threads must not evaluate the same ones.
    /// </summary>
    public MappingSet NewMappings() => MappingSource is { } source ? new MappingLoader(new ExpressionCompiler()).LoadAll(source) : Mappings;

    /// <summary>Loads content; throws <see cref="ContentException"/> listing every located problem.</summary>
    public static ScanContent Load(string? controlsDir, string? mappingsDir)
    {
        var catalog = NistCatalog.Embedded;
        var controlSource = controlsDir is null ? ContentSource.Embedded("controls") : ContentSource.Directory(controlsDir);
        var mappingSource = mappingsDir is null ? ContentSource.Embedded("mappings") : ContentSource.Directory(mappingsDir);
        var controls = new ControlLoader(catalog).LoadAll(controlSource);
        var mappings = new MappingLoader(new ExpressionCompiler()).LoadAll(mappingSource);
        return new ScanContent(catalog, controls, mappings) { Fingerprint = FingerprintOf(controlSource, mappingSource), MappingSource = mappingSource };
    }

    private static string FingerprintOf(params ContentSource[] sources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The build of every assembly between a record and its stored rows: readers, normalizer, stager.
        var assemblies = SnapshotScan.Formats.Select(f => f.GetType().Assembly)
            .Append(typeof(Normalizer).Assembly).Append(typeof(Postgres.Findings.EvaluationStager).Assembly).Append(typeof(ScanContent).Assembly)
            .Distinct().OrderBy(a => a.FullName, StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            hash.AppendData(assembly.ManifestModule.ModuleVersionId.ToByteArray());
        }

        foreach (var source in sources)
        {
            foreach (var file in source.Files().OrderBy(f => f.RelativePath, StringComparer.Ordinal))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(file.RelativePath + "\n" + file.ReadText() + "\n"));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

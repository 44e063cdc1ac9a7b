using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Mapping;

namespace PostureScanner.Worker.Cli;

/// <summary>The controls, mappings and catalog a command runs with: the built-in copies, or directories given with --controls / --mappings.</summary>
internal sealed record ScanContent(NistCatalog Catalog, ControlSet Controls, MappingSet Mappings)
{
    /// <summary>Loads content; throws <see cref="ContentException"/> listing every located problem.</summary>
    public static ScanContent Load(string? controlsDir, string? mappingsDir)
    {
        var catalog = NistCatalog.Embedded;
        var controls = new ControlLoader(catalog).LoadAll(controlsDir is null ? ContentSource.Embedded("controls") : ContentSource.Directory(controlsDir));
        var mappings = new MappingLoader(new ExpressionCompiler()).LoadAll(mappingsDir is null ? ContentSource.Embedded("mappings") : ContentSource.Directory(mappingsDir));
        return new ScanContent(catalog, controls, mappings);
    }
}

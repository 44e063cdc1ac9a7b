using PostureScanner.Aws.Snapshots;
using PostureScanner.Azure.Snapshots;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;
using PostureScanner.Gcp.Snapshots;
using PostureScanner.Testing;

namespace PostureScanner.Controls.Tests;

/// <summary>The built-in controls and mappings (as embedded in the binary) and the fixture folder, loaded once.</summary>
internal static class ContentFixture
{
    private static readonly Lazy<ControlSet> LazyControls = new(() => new ControlLoader(NistCatalog.Embedded).LoadAll(ContentSource.Embedded("controls")));
    private static readonly Lazy<MappingSet> LazyMappings = new(() => new MappingLoader(new ExpressionCompiler()).LoadAll(ContentSource.Embedded("mappings")));

    public static ControlSet Controls => LazyControls.Value;

    public static MappingSet Mappings => LazyMappings.Value;

    public static string FixturesRoot => RepoPaths.Combine("tests", "PostureScanner.Controls.Tests", "Fixtures");

    public static IReadOnlyList<ISnapshotFormat> Formats { get; } =
        [.. AwsSnapshotFormats.All, .. AzureSnapshotFormats.All, .. GcpSnapshotFormats.All];

    /// <summary>Every fixture file as (control id, provider, file name), relative to <see cref="FixturesRoot"/>.</summary>
    public static IEnumerable<(string Control, string Provider, string File)> Fixtures() =>
        Directory.EnumerateFiles(FixturesRoot, "*.json", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(FixturesRoot, p).Replace('\\', '/').Split('/'))
            .Where(parts => parts.Length == 3)
            .Select(parts => (parts[0], parts[1], parts[2]))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ThenBy(f => f.Item2, StringComparer.Ordinal).ThenBy(f => f.Item3, StringComparer.Ordinal);

    /// <summary>Reads one fixture through the real readers (format detected from content).</summary>
    public static Task<(List<RawAsset> Assets, IReadOnlyList<SnapshotInput> Inputs)> ReadAsync(string path) => Reader.ReadAsync(path);

    private static readonly SnapshotSamples Reader = new("PostureScanner.Controls.Tests", Formats);
}

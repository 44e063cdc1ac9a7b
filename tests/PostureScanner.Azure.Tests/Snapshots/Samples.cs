using PostureScanner.Azure.Snapshots;
using PostureScanner.Core.Inventory;
using PostureScanner.Testing;

namespace PostureScanner.Azure.Tests.Snapshots;

/// <summary>The committed real-record samples (scripts/copy-reader-samples.py) and a reader over them.</summary>
internal static class Samples
{
    public static string Path(params string[] parts) =>
        RepoPaths.Combine(["tests", "PostureScanner.Azure.Tests", "Fixtures", "Samples", .. parts]);

    public static async Task<(List<RawAsset> Assets, IReadOnlyList<SnapshotInput> Inputs)> ReadAsync(params string[] paths)
    {
        var reader = new SnapshotReader(AzureSnapshotFormats.All);
        var assets = new List<RawAsset>();
        await foreach (var asset in reader.ReadAsync(paths, CancellationToken.None))
        {
            assets.Add(asset);
        }

        return (assets, reader.Inputs);
    }

    /// <summary>Reads one file that must be read whole by <paramref name="format"/>.</summary>
    public static async Task<List<RawAsset>> ReadWholeAsync(string path, string format)
    {
        var (assets, inputs) = await ReadAsync(path);
        var input = Assert.Single(inputs);
        Assert.True(input.Error is null, input.Error);
        Assert.Equal(format, input.Format);
        Assert.Equal(assets.Count, input.Resources);
        return assets;
    }
}

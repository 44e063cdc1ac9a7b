using PostureScanner.Core.Inventory;
using Xunit;

namespace PostureScanner.Testing;

/// <summary>A test project's committed real-record samples (scripts/copy-reader-samples.py) and a reader over them with the given formats.</summary>
public sealed class SnapshotSamples(string testProject, IReadOnlyList<ISnapshotFormat> formats)
{
    public string Path(params string[] parts) =>
        RepoPaths.Combine(["tests", testProject, "Fixtures", "Samples", .. parts]);

    public async Task<(List<RawAsset> Assets, IReadOnlyList<SnapshotInput> Inputs)> ReadAsync(params string[] paths)
    {
        var reader = new SnapshotReader(formats);
        var assets = new List<RawAsset>();
        await foreach (var asset in reader.ReadAsync(paths, CancellationToken.None))
        {
            assets.Add(asset);
        }

        return (assets, reader.Inputs);
    }

    /// <summary>Reads one file that must be read whole by <paramref name="format"/>.</summary>
    public async Task<List<RawAsset>> ReadWholeAsync(string path, string format)
    {
        var (assets, inputs) = await ReadAsync(path);
        var input = Assert.Single(inputs);
        Assert.True(input.Error is null, input.Error);
        Assert.Equal(format, input.Format);
        Assert.Equal(assets.Count, input.Resources);
        return assets;
    }
}

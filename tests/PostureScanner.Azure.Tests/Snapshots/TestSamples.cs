using PostureScanner.Azure.Snapshots;
using PostureScanner.Testing;

namespace PostureScanner.Azure.Tests.Snapshots;

/// <summary>This project's samples, read with the Azure formats only.</summary>
internal static class TestSamples
{
    public static SnapshotSamples Samples { get; } = new("PostureScanner.Azure.Tests", AzureSnapshotFormats.All);
}

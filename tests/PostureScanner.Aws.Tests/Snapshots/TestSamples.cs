using PostureScanner.Aws.Snapshots;
using PostureScanner.Testing;

namespace PostureScanner.Aws.Tests.Snapshots;

/// <summary>This project's samples, read with the Aws formats only.</summary>
internal static class TestSamples
{
    public static SnapshotSamples Samples { get; } = new("PostureScanner.Aws.Tests", AwsSnapshotFormats.All);
}

using PostureScanner.Gcp.Snapshots;
using PostureScanner.Testing;

namespace PostureScanner.Gcp.Tests.Snapshots;

/// <summary>This project's samples, read with the Gcp formats only.</summary>
internal static class TestSamples
{
    public static SnapshotSamples Samples { get; } = new("PostureScanner.Gcp.Tests", GcpSnapshotFormats.All);
}

using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Snapshots;

/// <summary>What AWS Config records and envelopes look like to format detection.</summary>
internal static class AwsProbes
{
    /// <summary>A configuration item in any channel's spelling: typed and identified.</summary>
    public static bool IsConfigItem(IReadOnlyList<string> properties) =>
        properties.Contains("resourceType", StringComparer.Ordinal)
        && (properties.Contains("arn", StringComparer.Ordinal) || properties.Contains("ARN", StringComparer.Ordinal) || properties.Contains("resourceId", StringComparer.Ordinal));

    public static bool IsSnapshot(SnapshotProbe probe) =>
        probe.Shape == SnapshotShape.Object && probe.HasRoot("configurationItems") && (probe.HasRoot("fileVersion") || probe.HasRoot("configSnapshotId"));
}

using PostureScanner.Core.Inventory;

namespace PostureScanner.Gcp.Snapshots;

/// <summary>What Cloud Asset Inventory records and envelopes look like to format detection (both casings).</summary>
internal static class GcpProbes
{
    public static bool IsAsset(IReadOnlyList<string> properties) =>
        properties.Contains("name", StringComparer.Ordinal)
        && (properties.Contains("assetType", StringComparer.Ordinal) || properties.Contains("asset_type", StringComparer.Ordinal));

    public static bool IsIamPolicyOnly(IReadOnlyList<string> properties) =>
        IsAsset(properties)
        && (properties.Contains("iamPolicy", StringComparer.Ordinal) || properties.Contains("iam_policy", StringComparer.Ordinal))
        && !properties.Contains("resource", StringComparer.Ordinal);

    /// <summary>The first record of a file of bare assets: the root object (one asset, or the first line) or the first element of an array.</summary>
    public static IReadOnlyList<string> FirstItem(SnapshotProbe probe) =>
        probe.Shape == SnapshotShape.Array ? probe.FirstRecordProperties : probe.RootProperties;

    public static bool IsItems(SnapshotProbe probe) =>
        probe.Shape is SnapshotShape.Object or SnapshotShape.Array && IsAsset(FirstItem(probe));

    public static bool IsAssetsEnvelope(SnapshotProbe probe) =>
        probe.Shape == SnapshotShape.Object && probe.HasRoot("assets") && probe.RecordsProperty == "assets";

    public static bool IsHistory(SnapshotProbe probe) =>
        IsAssetsEnvelope(probe) && probe.HasRecord("asset");

    public static bool IsAssetsPage(SnapshotProbe probe) =>
        IsAssetsEnvelope(probe)
        && (IsAsset(probe.FirstRecordProperties)
            || (probe.FirstRecordProperties.Count == 0 && (probe.HasRoot("readTime") || probe.HasRoot("nextPageToken"))));
}

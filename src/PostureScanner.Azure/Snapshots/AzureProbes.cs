using PostureScanner.Core.Inventory;

namespace PostureScanner.Azure.Snapshots;

/// <summary>What ARM resources and Azure envelopes look like to format detection.</summary>
internal static class AzureProbes
{
    private static readonly string[] ResourceGraphMarkers =
        ["totalRecords", "count", "resultTruncated", "facets", "$skipToken", "skipToken", "total_records", "skip_token"];

    /// <summary>
    /// An ARM resource or Resource Graph row: it has an <c>id</c>, and nothing that marks another
    /// cloud's record (AWS <c>resourceType</c>, CAI <c>assetType</c>, the <c>selfLink</c> of Google REST resources).
    /// </summary>
    public static bool IsResource(IReadOnlyList<string> properties) =>
        properties.Contains("id", StringComparer.Ordinal)
        && !properties.Contains("selfLink", StringComparer.Ordinal)
        && !properties.Contains("resourceType", StringComparer.Ordinal)
        && !properties.Contains("assetType", StringComparer.Ordinal)
        && !properties.Contains("asset_type", StringComparer.Ordinal);

    /// <summary>A Resource Graph response (REST, either result format) or <c>az graph query</c> output.</summary>
    public static bool IsResourceGraph(SnapshotProbe probe) =>
        probe.Shape == SnapshotShape.Object && probe.HasRoot("data")
        && (ResourceGraphMarkers.Any(probe.HasRoot) || (probe.RecordsProperty == "data" && IsResource(probe.FirstRecordProperties)));

    /// <summary>An ARM list page (<c>value</c>, <c>nextLink</c>).</summary>
    public static bool IsArmList(SnapshotProbe probe) =>
        probe.Shape == SnapshotShape.Object && probe.HasRoot("value") && !probe.HasRoot("data")
        && (probe.HasRoot("nextLink") || (probe.RecordsProperty == "value" && (probe.FirstRecordProperties.Count == 0 || IsResource(probe.FirstRecordProperties))));

    public static bool IsBareResource(SnapshotProbe probe) =>
        probe.Shape == SnapshotShape.Object && IsResource(probe.RootProperties) && !probe.HasRoot("value") && !probe.HasRoot("data");
}

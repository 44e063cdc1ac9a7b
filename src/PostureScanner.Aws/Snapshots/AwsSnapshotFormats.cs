using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Snapshots;

/// <summary>Every AWS Config file form the snapshot reader accepts (docs/canonical-records.md, AWS section).</summary>
public static class AwsSnapshotFormats
{
    /// <summary>
    /// <list type="bullet">
    /// <item><c>aws-config-snapshot</c>: the S3 file of <c>deliver-config-snapshot</c> (<c>fileVersion</c>, <c>configSnapshotId</c>, <c>configurationItems</c>), gzip or not.</item>
    /// <item><c>aws-config-history</c>: <c>get-resource-config-history</c> output (<c>configurationItems</c>, configuration as a JSON string).</item>
    /// <item><c>aws-config-batch-get</c>: <c>batch-get-resource-config</c> output (<c>baseConfigurationItems</c>).</item>
    /// <item><c>aws-config-select</c>: <c>select-resource-config</c> / <c>select-aggregate-resource-config</c> output (<c>Results</c> of JSON strings).</item>
    /// <item><c>aws-config-item-array</c>: a JSON array of configuration items.</item>
    /// <item><c>aws-config-item</c>: one configuration item (root has <c>resourceType</c> and <c>arn</c>/<c>ARN</c>/<c>resourceId</c>): the fixture form.</item>
    /// <item><c>aws-config-item-lines</c>: configuration items as JSON lines (or concatenated objects).</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<ISnapshotFormat> All { get; } =
    [
        new AwsConfigEnvelopeFormat("aws-config-snapshot", "configurationItems", AwsProbes.IsSnapshot),
        new AwsConfigEnvelopeFormat("aws-config-history", "configurationItems", p => p.Shape == SnapshotShape.Object && p.HasRoot("configurationItems") && !AwsProbes.IsSnapshot(p)),
        new AwsConfigEnvelopeFormat("aws-config-batch-get", "baseConfigurationItems", p => p.Shape == SnapshotShape.Object && p.HasRoot("baseConfigurationItems")),
        new AwsConfigSelectFormat(),
        new AwsConfigItemsFormat("aws-config-item-array", p => p.Shape == SnapshotShape.Array && AwsProbes.IsConfigItem(p.FirstRecordProperties)),
        new AwsConfigItemsFormat("aws-config-item", p => p.Shape == SnapshotShape.Object && !p.MultipleDocuments && AwsProbes.IsConfigItem(p.RootProperties)),
        new AwsConfigItemsFormat("aws-config-item-lines", p => p.Shape == SnapshotShape.Object && p.MultipleDocuments && AwsProbes.IsConfigItem(p.RootProperties)),
    ];
}

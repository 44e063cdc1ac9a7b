using PostureScanner.Core.Inventory;

namespace PostureScanner.Azure.Snapshots;

/// <summary>Every Azure file form the snapshot reader accepts (docs/canonical-records.md, Azure section).</summary>
public static class AzureSnapshotFormats
{
    /// <summary>
    /// <list type="bullet">
    /// <item><c>azure-resource-graph</c>: Resource Graph responses, <c>objectArray</c> or <c>table</c>, and <c>az graph query</c> output (<c>data</c>, <c>count</c>, <c>total_records</c>, <c>skip_token</c>).</item>
    /// <item><c>azure-arm-list</c>: ARM list pages (<c>value</c>, <c>nextLink</c>).</item>
    /// <item><c>azure-resource-array</c>: a JSON array of ARM resources (<c>az resource list</c>, older <c>az graph query</c>).</item>
    /// <item><c>azure-resource</c>: one ARM resource object (root has <c>id</c>): the fixture form.</item>
    /// <item><c>azure-resource-lines</c>: ARM resources as JSON lines (or concatenated objects).</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<ISnapshotFormat> All { get; } =
    [
        new AzureResourceGraphFormat(),
        new AzureResourcesFormat("azure-arm-list", "value", AzureProbes.IsArmList),
        new AzureResourcesFormat("azure-resource-array", null, p => p.Shape == SnapshotShape.Array && AzureProbes.IsResource(p.FirstRecordProperties)),
        new AzureResourcesFormat("azure-resource", null, p => AzureProbes.IsBareResource(p) && !p.MultipleDocuments),
        new AzureResourcesFormat("azure-resource-lines", null, p => AzureProbes.IsBareResource(p) && p.MultipleDocuments),
    ];
}

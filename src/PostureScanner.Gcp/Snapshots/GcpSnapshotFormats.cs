using PostureScanner.Core.Inventory;

namespace PostureScanner.Gcp.Snapshots;

/// <summary>Every Cloud Asset Inventory file form the snapshot reader accepts (docs/canonical-records.md, GCP section).</summary>
public static class GcpSnapshotFormats
{
    /// <summary>
    /// <list type="bullet">
    /// <item><c>gcp-cai-iam-policies</c> (phase 0): IAM-policy records (<c>gcloud asset export --content-type=iam-policy</c>: JSON lines; or one record, or an array), read first so that resources join them.</item>
    /// <item><c>gcp-cai-iam-policies-page</c> (phase 0): an <c>assets.list</c> response of IAM-policy records.</item>
    /// <item><c>gcp-cai-assets-history</c>: <c>batchGetAssetsHistory</c> responses (each temporal asset's <c>asset</c>; deleted windows skipped).</item>
    /// <item><c>gcp-cai-assets-page</c>: <c>assets.list</c> REST responses (<c>assets</c>, <c>nextPageToken</c>, <c>readTime</c>).</item>
    /// <item><c>gcp-cai-asset-list</c>: a JSON array of assets (<c>gcloud asset list --format=json</c>).</item>
    /// <item><c>gcp-cai-asset</c>: one asset object (root has <c>name</c> and <c>assetType</c>/<c>asset_type</c>): the fixture form.</item>
    /// <item><c>gcp-cai-export</c>: <c>gcloud asset export</c> output: assets as JSON lines, snake_case envelope.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<ISnapshotFormat> All { get; } =
    [
        new GcpAssetFormat("gcp-cai-iam-policies", 0, GcpLayout.Items, p => GcpProbes.IsItems(p) && GcpProbes.IsIamPolicyOnly(GcpProbes.FirstItem(p))),
        new GcpAssetFormat("gcp-cai-iam-policies-page", 0, GcpLayout.AssetsPage, p => GcpProbes.IsAssetsPage(p) && GcpProbes.IsIamPolicyOnly(p.FirstRecordProperties)),
        new GcpAssetFormat("gcp-cai-assets-history", 1, GcpLayout.History, GcpProbes.IsHistory),
        new GcpAssetFormat("gcp-cai-assets-page", 1, GcpLayout.AssetsPage, GcpProbes.IsAssetsPage),
        new GcpAssetFormat("gcp-cai-asset-list", 1, GcpLayout.Items, p => p.Shape == SnapshotShape.Array && GcpProbes.IsItems(p)),
        new GcpAssetFormat("gcp-cai-asset", 1, GcpLayout.Items, p => p.Shape == SnapshotShape.Object && !p.MultipleDocuments && GcpProbes.IsItems(p)),
        new GcpAssetFormat("gcp-cai-export", 1, GcpLayout.Items, p => p.Shape == SnapshotShape.Object && p.MultipleDocuments && GcpProbes.IsItems(p)),
    ];
}

namespace PostureScanner.Gcp.Snapshots;

/// <summary>Where the assets of a GCP file are.</summary>
internal enum GcpLayout
{
    /// <summary>Top-level values: one asset, JSON lines (<c>gcloud asset export</c>), or an array (<c>gcloud asset list --format=json</c>).</summary>
    Items,

    /// <summary><c>assets.list</c> REST responses: <c>{"assets": [...], "nextPageToken": ..., "readTime": ...}</c>.</summary>
    AssetsPage,

    /// <summary><c>batchGetAssetsHistory</c> responses: <c>{"assets": [{"asset": {...}, "window": {...}}]}</c>.</summary>
    History,
}

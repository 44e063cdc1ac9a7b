namespace PostureScanner.Core.Inventory;

/// <summary>
/// What the first bytes of a file look like, for format detection: the root shape, the property
/// names of the root object, and the property names of the first record (first element of a root
/// array, first element of the first array-valued root property, or the first line of JSON lines).
/// </summary>
public sealed record SnapshotProbe
{
    public required string Path { get; init; }

    public required SnapshotShape Shape { get; init; }

    public required IReadOnlyList<string> RootProperties { get; init; }

    public required IReadOnlyList<string> FirstRecordProperties { get; init; }

    /// <summary>The root property holding the first array of records, if any (<c>configurationItems</c>, <c>data</c>, <c>value</c>, <c>Results</c>).</summary>
    public string? RecordsProperty { get; init; }

    /// <summary>More than one JSON value follows the first (JSON lines, concatenated objects).</summary>
    public required bool MultipleDocuments { get; init; }

    public bool HasRoot(string name) => RootProperties.Contains(name, StringComparer.Ordinal);

    public bool HasRecord(string name) => FirstRecordProperties.Contains(name, StringComparer.Ordinal);
}

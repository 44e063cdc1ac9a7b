using System.Runtime.CompilerServices;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Azure.Snapshots;

/// <summary>
/// ARM resources as bare JSON (one object, JSON lines, an array such as <c>az resource list</c> or
/// the older <c>az graph query</c>) or in the <c>value</c> array of ARM list pages.
/// </summary>
internal sealed class AzureResourcesFormat(string name, string? recordsProperty, Func<SnapshotProbe, bool> matches) : ISnapshotFormat
{
    public string Name => name;

    public Provider Provider => Provider.Azure;

    public bool Matches(SnapshotProbe probe) => matches(probe);

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keeping = new RecordKeeping(session, Name);
        var records = recordsProperty is null
            ? SnapshotJson.ReadItemsAsync(file, keeping, cancellationToken)
            : SnapshotJson.ReadPropertyItemsAsync(file, recordsProperty, keeping, cancellationToken);
        await foreach (var record in records)
        {
            yield return record.ToAsset(AzureResourceCanonicalizer.ToRawAsset);
        }
    }
}

using System.Runtime.CompilerServices;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Snapshots;

/// <summary>Configuration items as bare JSON: one object (the fixture form), JSON lines, or an array; all three are read alike.</summary>
internal sealed class AwsConfigItemsFormat(string name, Func<SnapshotProbe, bool> matches) : ISnapshotFormat
{
    public string Name => name;

    public Provider Provider => Provider.Aws;

    public bool Matches(SnapshotProbe probe) => matches(probe);

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in SnapshotJson.ReadItemsAsync(file, new RecordKeeping(session, name), cancellationToken))
        {
            yield return record.ToAsset(AwsConfigItemCanonicalizer.ToRawAsset);
        }
    }
}

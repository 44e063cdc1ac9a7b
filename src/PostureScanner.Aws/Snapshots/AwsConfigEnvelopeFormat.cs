using System.Runtime.CompilerServices;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Snapshots;

/// <summary>
/// Configuration items in an array property of an envelope: an S3 snapshot (<c>configurationItems</c>),
/// <c>get-resource-config-history</c> (<c>configurationItems</c>) or <c>batch-get-resource-config</c>
/// (<c>baseConfigurationItems</c>). Several envelopes one after the other (saved pages) are read in turn.
/// </summary>
internal sealed class AwsConfigEnvelopeFormat(string name, string recordsProperty, Func<SnapshotProbe, bool> matches) : ISnapshotFormat
{
    public string Name => name;

    public Provider Provider => Provider.Aws;

    public bool Matches(SnapshotProbe probe) => matches(probe);

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in SnapshotJson.ReadPropertyItemsAsync(file, recordsProperty, new RecordKeeping(session, name), cancellationToken))
        {
            yield return record.ToAsset(AwsConfigItemCanonicalizer.ToRawAsset);
        }
    }
}

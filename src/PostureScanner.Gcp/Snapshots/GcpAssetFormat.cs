using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Gcp.Snapshots;

/// <summary>
/// Cloud Asset Inventory assets in one <see cref="GcpLayout"/>, either casing. Every record is
/// canonicalized and passed through the session's <see cref="GcpIamPolicyIndex"/>, which joins
/// resources with their IAM policies: those of the policy exports read first (phase 0) whichever file
/// each resource is in, and those of the resource's own file.
/// </summary>
internal sealed class GcpAssetFormat(string name, int phase, GcpLayout layout, Func<SnapshotProbe, bool> matches) : ISnapshotFormat
{
    public string Name => name;

    public Provider Provider => Provider.Gcp;

    public int Phase => phase;

    public bool Matches(SnapshotProbe probe) => matches(probe);

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var index = session.State<GcpIamPolicyIndex>();
        if (session.Parent is { } parent)
        {
            index.Attach(parent.State<GcpIamPolicyIndex>());
        }

        // A temporal asset wraps the record in a window: not hashed. Otherwise a record stands for its
        // asset alone unless it is a policy to hold or a resource a held policy is waiting for.
        var keeping = layout == GcpLayout.History ? null : new RecordKeeping(session, name, index.StandsAlone);
        var records = layout == GcpLayout.Items
            ? SnapshotJson.ReadItemsAsync(file, keeping, cancellationToken)
            : SnapshotJson.ReadPropertyItemsAsync(file, "assets", keeping, cancellationToken);
        await foreach (var record in records)
        {
            var assetRecord = record;
            if (layout == GcpLayout.History)
            {
                var temporal = record.AsObject();
                if (temporal["deleted"] is JValue { Type: JTokenType.Boolean } deleted && deleted.Value<bool>())
                {
                    // A window in which the asset did not exist: nothing to assess.
                    continue;
                }

                assetRecord = record with
                {
                    Label = record.Label + ".asset",
                    Value = temporal["asset"] ?? throw record.Error("a temporal asset without 'asset'"),
                };
            }

            if (assetRecord.Convert(asset => index.Accept(GcpAssetCanonicalizer.Canonicalize(asset))) is { } raw)
            {
                yield return raw with { RecordHash = assetRecord.RecordHash };
            }
        }
    }

    public async IAsyncEnumerable<RawAsset> CompleteAsync(SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await Task.CompletedTask;
        foreach (var orphan in session.State<GcpIamPolicyIndex>().Drain())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return orphan;
        }
    }
}

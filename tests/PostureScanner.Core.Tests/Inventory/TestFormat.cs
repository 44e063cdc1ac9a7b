using System.Runtime.CompilerServices;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Tests.Inventory;

/// <summary>
/// A format for reader tests: files whose first record has the <c>marker</c> property; every
/// top-level record becomes an asset whose id is its <c>id</c>. Optionally emits one more asset on completion.
/// </summary>
internal sealed class TestFormat(string name, string marker, int phase = 1, string? completeId = null) : ISnapshotFormat
{
    public string Name => name;

    public Provider Provider => Provider.Aws;

    public int Phase => phase;

    public int CompleteCalls { get; private set; }

    public bool Matches(SnapshotProbe probe) =>
        (probe.Shape == SnapshotShape.Array ? probe.FirstRecordProperties : probe.RootProperties).Contains(marker, StringComparer.Ordinal);

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in SnapshotJson.ReadItemsAsync(file, cancellationToken))
        {
            yield return record.Convert(o => Asset(o["id"]?.ToString() ?? throw new SnapshotFormatException("no id")));
        }
    }

    public async IAsyncEnumerable<RawAsset> CompleteAsync(SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CompleteCalls++;
        await Task.Yield();
        if (completeId is not null)
        {
            yield return Asset(completeId);
        }
    }

    private static RawAsset Asset(string id) => new()
    {
        Provider = Provider.Aws,
        Scope = "test",
        NativeType = "Test::Thing",
        NativeId = id,
        Account = "",
        Region = "global",
        Data = new Newtonsoft.Json.Linq.JObject { ["id"] = id },
    };
}

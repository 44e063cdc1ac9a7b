using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Snapshots;

/// <summary>
/// <c>aws configservice select-resource-config</c> / <c>select-aggregate-resource-config</c> output
/// (<c>{"Results": ["&lt;json&gt;", ...], "QueryInfo": {...}, "NextToken": ...}</c>): every row is a
/// JSON string holding only the selected fields. A row without <c>resourceType</c> is an error of the
/// file naming the row; the type is never guessed.
/// </summary>
internal sealed class AwsConfigSelectFormat : ISnapshotFormat
{
    public string Name => "aws-config-select";

    public Provider Provider => Provider.Aws;

    public bool Matches(SnapshotProbe probe) => probe.Shape == SnapshotShape.Object && probe.HasRoot("Results");

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in SnapshotJson.ReadPropertyItemsAsync(file, "Results", cancellationToken))
        {
            var row = record.Value switch
            {
                JValue { Type: JTokenType.String } text => SnapshotJson.TryParse(text.Value<string>()!) as JObject
                    ?? throw record.Error("the row is not a JSON object held in a string"),
                JObject decoded => decoded,
                _ => throw record.Error("expected a JSON string holding a row"),
            };
            yield return (record with { Value = row }).Convert(AwsConfigItemCanonicalizer.ToRawAsset);
        }
    }
}

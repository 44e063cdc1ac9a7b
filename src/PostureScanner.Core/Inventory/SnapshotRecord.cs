using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// One record read from an input file, with where it starts (for error messages):
/// <paramref name="Label"/> is <c>configurationItems[3]</c>, <c>[3]</c> or <c>record 3</c>.
/// </summary>
public sealed record SnapshotRecord(string Path, string Label, long Index, int Line, int Column, JToken Value)
{
    /// <summary>The record's <see cref="RecordHashes"/> hash when the read hashes records and this one may stand for its asset alone.</summary>
    public UInt128? RecordHash { get; init; }

    /// <summary>As <see cref="Convert{T}"/> for a canonicalizer, the asset carrying the record's hash.</summary>
    public RawAsset ToAsset(Func<JObject, RawAsset> convert) => Convert(convert) with { RecordHash = RecordHash };

    /// <summary>An error of this record: <c>file:line:column: label: message</c>.</summary>
    public SnapshotFormatException Error(string message) => new($"{Path}:{Line}:{Column}: {Label}: {message}");

    /// <summary>The record as an object, or an error naming it.</summary>
    public JObject AsObject() => Value as JObject
        ?? throw Error($"expected a JSON object, found {Describe(Value)}");

    /// <summary>
    /// Runs a conversion (a canonicalizer) on the record; a <see cref="SnapshotFormatException"/> it
    /// throws (which names no position) is thrown again naming the file, position and record.
    /// </summary>
    public T Convert<T>(Func<JObject, T> convert)
    {
        ArgumentNullException.ThrowIfNull(convert);
        var obj = AsObject();
        try
        {
            return convert(obj);
        }
        catch (SnapshotFormatException ex)
        {
            throw new SnapshotFormatException($"{Path}:{Line}:{Column}: {Label}: {ex.Message}", ex);
        }
    }

    internal static string Describe(JToken token) => token.Type switch
    {
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.String => "a string",
        JTokenType.Integer or JTokenType.Float => "a number",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        _ => token.Type.ToString(),
    };
}

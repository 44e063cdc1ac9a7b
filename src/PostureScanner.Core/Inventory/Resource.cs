using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// A native record normalized by a mapping: cloud-neutral type and attributes that controls read.
/// An attribute that the record does not provide is absent from <see cref="Attributes"/>
/// (the evaluator then reports <c>unknown</c>, never a pass).
/// </summary>
public sealed record Resource
{
    public required Provider Provider { get; init; }

    public required string Account { get; init; }

    public required string Region { get; init; }

    /// <summary>Normalized type, e.g. <c>object_storage.bucket</c>.</summary>
    public required string Type { get; init; }

    public required string NativeType { get; init; }

    /// <summary>The native id (ARN, ARM id, CAI asset name).</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public required IReadOnlyDictionary<string, JToken> Attributes { get; init; }

    public required RawAsset Raw { get; init; }
}

using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Mapping;

/// <summary>A file <c>mappings/&lt;provider&gt;/&lt;type&gt;.yaml</c>: native types of one cloud to one normalized type.</summary>
public sealed record MappingDefinition
{
    public required Provider Provider { get; init; }

    /// <summary>Normalized type, <c>&lt;domain&gt;.&lt;kind&gt;</c> in snake_case.</summary>
    public required string Type { get; init; }

    public required string File { get; init; }

    public required IReadOnlyList<SourceMapping> Sources { get; init; }

    /// <summary>The attributes every source of this mapping produces (what coverage may rely on).</summary>
    public IReadOnlySet<string> ProducedAttributes =>
        Sources.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : Sources.Skip(1).Aggregate(
                new HashSet<string>(Sources[0].Attributes.Select(a => a.Name), StringComparer.Ordinal),
                (acc, s) => { acc.IntersectWith(s.Attributes.Select(a => a.Name)); return acc; });
}

using DevLab.JmesPath.Expressions;

namespace PostureScanner.Core.Mapping;

/// <summary>How records of one native type become resources of the mapping's normalized type.</summary>
public sealed record SourceMapping
{
    public required string NativeType { get; init; }

    /// <summary>Optional JMESPath precondition (e.g. Azure sites whose kind is functionapp).</summary>
    public string? When { get; init; }

    public JmesPathExpression? CompiledWhen { get; init; }

    public required JmesPathExpression Name { get; init; }

    public required JmesPathExpression Tags { get; init; }

    public required IReadOnlyList<AttributeMapping> Attributes { get; init; }
}

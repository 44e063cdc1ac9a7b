using DevLab.JmesPath.Expressions;

namespace PostureScanner.Core.Mapping;

/// <summary>One normalized attribute: its dotted name, the JMESPath that computes it and its type.</summary>
public sealed record AttributeMapping
{
    public required string Name { get; init; }

    public required string Expression { get; init; }

    public required AttributeType Type { get; init; }

    public required JmesPathExpression Compiled { get; init; }
}

using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls;

/// <summary>A tunable value of a control (allowed ports, maximum key age) with its default.</summary>
public sealed record ControlParameter
{
    public required string Name { get; init; }

    public required JToken Default { get; init; }

    public string? Description { get; init; }
}

using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>What compiling a condition needs: the control's parameter values after policy overrides.</summary>
public sealed class CompileContext
{
    public CompileContext(IReadOnlyDictionary<string, JToken> parameters)
    {
        Parameters = parameters;
    }

    public IReadOnlyDictionary<string, JToken> Parameters { get; }

    public JToken Resolve(Operand operand) => operand.ParameterName is { } name
        ? Parameters.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"parameter '{name}' has no value")
        : operand.Literal!;
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Controls.Conditions;

namespace PostureScanner.Core.Evaluation;

/// <summary>A control with its parameters bound and its conditions compiled to delegates, once per scan.</summary>
public sealed class CompiledControl
{
    private CompiledControl(ControlDefinition definition, Severity severity, IReadOnlyDictionary<string, JToken> parameters,
        Func<EvaluationContext, Truth>? when, Func<EvaluationContext, Truth> check)
    {
        Definition = definition;
        Severity = severity;
        Parameters = parameters;
        When = when;
        Check = check;
    }

    public ControlDefinition Definition { get; }

    /// <summary>Severity after policy overrides.</summary>
    public Severity Severity { get; }

    public IReadOnlyDictionary<string, JToken> Parameters { get; }

    internal Func<EvaluationContext, Truth>? When { get; }

    internal Func<EvaluationContext, Truth> Check { get; }

    /// <summary>Binds parameter values (defaults, then overrides) and compiles the check.</summary>
    public static CompiledControl Compile(ControlDefinition definition, Severity? severityOverride = null, IReadOnlyDictionary<string, JToken>? parameterOverrides = null)
    {
        var parameters = definition.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        foreach (var (name, value) in parameterOverrides ?? new Dictionary<string, JToken>())
        {
            if (!parameters.ContainsKey(name))
            {
                throw new ArgumentException($"control {definition.Id} has no parameter '{name}'", nameof(parameterOverrides));
            }

            parameters[name] = value;
        }

        var context = new CompileContext(parameters);
        return new CompiledControl(definition, severityOverride ?? definition.Severity, parameters,
            definition.When?.Compile(context), definition.Check.Compile(context));
    }
}

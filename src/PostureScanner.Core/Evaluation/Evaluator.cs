using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls.Conditions;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Evaluation;

/// <summary>
/// Evaluates resources against compiled controls. A control that throws yields an <c>error</c>
/// evaluation for that resource and the scan goes on; a check whose inputs are missing yields
/// <c>unknown</c>, never <c>pass</c>.
/// </summary>
public sealed class Evaluator
{
    private readonly Dictionary<(string Type, Provider Provider), CompiledControl[]> _byType;
    private readonly DateTimeOffset _now;

    /// <param name="controls">The controls of this scan (after policy selection).</param>
    /// <param name="now">Scan time, fixed once so that every age compare of a scan uses the same instant.</param>
    public Evaluator(IEnumerable<CompiledControl> controls, DateTimeOffset now)
    {
        Controls = controls.ToArray();
        // A control marked manual for a cloud is not evaluated there: its data is not in that
        // cloud's inventory, so every result would be an uninformative "unknown".
        _byType = Controls
            .SelectMany(c => ProviderNames.All.Where(p => !c.Definition.Manual.ContainsKey(p)).Select(p => (Key: (c.Definition.ResourceType, p), Control: c)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Control).ToArray());
        _now = now;
    }

    public IReadOnlyList<CompiledControl> Controls { get; }

    /// <summary>The controls that apply to a resource: its normalized type, on its cloud.</summary>
    public IReadOnlyList<CompiledControl> For(Resource resource) => _byType.TryGetValue((resource.Type, resource.Provider), out var c) ? c : [];

    public IEnumerable<Evaluation> Evaluate(Resource resource)
    {
        foreach (var control in For(resource))
        {
            if (Evaluate(control, resource) is { } evaluation)
            {
                yield return evaluation;
            }
        }
    }

    /// <summary>
    /// Evaluates one control; null when its applicability (<c>when</c>) is false. With <paramref name="horizon"/>,
    /// notes until when the clock cannot change the outcome (applicability included).
    /// </summary>
    public Evaluation? Evaluate(CompiledControl control, Resource resource, ClockHorizon? horizon = null)
    {
        var evidence = new Dictionary<string, JToken?>(StringComparer.Ordinal);
        var reasons = new List<string>();
        var context = new EvaluationContext(path => JsonPaths.Lookup(resource.Attributes, path), evidence, reasons, _now, horizon);
        try
        {
            if (control.When is { } when)
            {
                switch (when(context))
                {
                    case Truth.False:
                        return null;
                    case Truth.Unknown:
                        return Result(control, resource, EvaluationStatus.Unknown, evidence, "applicability unknown: " + string.Join("; ", reasons.Distinct()));
                }
            }

            return control.Check(context) switch
            {
                Truth.True => Result(control, resource, EvaluationStatus.Pass, evidence, null),
                Truth.False => Result(control, resource, EvaluationStatus.Fail, evidence, null),
                _ => Result(control, resource, EvaluationStatus.Unknown, evidence, string.Join("; ", reasons.Distinct())),
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Result(control, resource, EvaluationStatus.Error, evidence, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static Evaluation Result(CompiledControl control, Resource resource, EvaluationStatus status, Dictionary<string, JToken?> evidence, string? message) =>
        new()
        {
            Control = control,
            Resource = resource,
            Status = status,
            Evidence = evidence,
            Message = message,
        };
}

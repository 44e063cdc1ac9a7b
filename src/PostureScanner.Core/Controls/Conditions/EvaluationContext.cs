using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// The state of evaluating one control on one resource (or on one list element inside a
/// quantifier): how to read attributes, where to record evidence and why a result is unknown.
/// </summary>
public sealed class EvaluationContext
{
    private readonly Func<string, JToken?> _read;

    public EvaluationContext(Func<string, JToken?> read, IDictionary<string, JToken?>? evidence, List<string> unknownReasons, DateTimeOffset now,
        ClockHorizon? horizon = null)
    {
        _read = read;
        Evidence = evidence;
        UnknownReasons = unknownReasons;
        Now = now;
        Horizon = horizon;
    }

    /// <summary>Observed values, by attribute path; null inside quantifiers (the element is the evidence).</summary>
    public IDictionary<string, JToken?>? Evidence { get; }

    public List<string> UnknownReasons { get; }

    public DateTimeOffset Now { get; }

    /// <summary>Where a test that reads the clock notes until when its result holds (see <see cref="ClockHorizon"/>); null when nobody asks.</summary>
    public ClockHorizon? Horizon { get; }

    /// <summary>Reads an attribute and records what was observed (null when absent).</summary>
    public JToken? Read(string path)
    {
        var value = _read(path);
        if (value is { Type: JTokenType.Null })
        {
            value = null;
        }

        Evidence?.TryAdd(path, value);
        return value;
    }

    public Truth Missing(string path)
    {
        UnknownReasons.Add($"{path}: missing");
        return Truth.Unknown;
    }

    public Truth WrongType(string path, JToken value, string expected)
    {
        UnknownReasons.Add($"{path}: is {value.Type.ToString().ToLowerInvariant()}, expected {expected}");
        return Truth.Unknown;
    }

    /// <summary>A scope over one list element, sharing the unknown reasons but not the evidence.</summary>
    public EvaluationContext ForElement(JToken element) =>
        new(path => JsonPaths.Navigate(element, path), null, UnknownReasons, Now, Horizon);
}

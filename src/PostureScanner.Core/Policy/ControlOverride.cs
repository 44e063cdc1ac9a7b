using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls;

namespace PostureScanner.Core.Policy;

/// <summary>A policy's change to one control: its severity and/or parameter values.</summary>
public sealed record ControlOverride(Severity? Severity, IReadOnlyDictionary<string, JToken> Parameters);

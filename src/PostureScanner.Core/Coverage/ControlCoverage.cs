using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Coverage;

/// <summary>One row of the coverage matrix: a control and its status per cloud, with the reason when not automated.</summary>
public sealed record ControlCoverage(ControlDefinition Control, IReadOnlyDictionary<Provider, CoverageStatus> Providers, IReadOnlyDictionary<Provider, string> Reasons);

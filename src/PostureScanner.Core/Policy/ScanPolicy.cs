using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Policy;

/// <summary>
/// Which controls a scan runs and how (docs/policy.md). Selection criteria combine with AND,
/// values within one criterion with OR; no criteria selects every control.
/// </summary>
public sealed record ScanPolicy
{
    public static ScanPolicy Default { get; } = new();

    public IReadOnlyList<string> Ids { get; init; } = [];

    public IReadOnlyList<string> ExcludeIds { get; init; } = [];

    public IReadOnlyList<string> Domains { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<Severity> Severities { get; init; } = [];

    /// <summary>NIST SP 800-53B baseline (<c>low</c>, <c>moderate</c>, <c>high</c>): a control is in it when one of its NIST ids is.</summary>
    public string? Baseline { get; init; }

    public IReadOnlyDictionary<string, ControlOverride> Overrides { get; init; } = new Dictionary<string, ControlOverride>();

    public IReadOnlyList<PolicyExclusion> Exclusions { get; init; } = [];

    public bool Selects(ControlDefinition control, NistCatalog catalog)
    {
        bool Named(IReadOnlyList<string> ids) => ids.Contains(control.Id, StringComparer.Ordinal) || control.Aliases.Any(a => ids.Contains(a, StringComparer.Ordinal));

        if (Ids.Count > 0 && !Named(Ids))
        {
            return false;
        }

        if (ExcludeIds.Count > 0 && Named(ExcludeIds))
        {
            return false;
        }

        if (Domains.Count > 0 && !Domains.Contains(control.Domain, StringComparer.Ordinal))
        {
            return false;
        }

        if (Tags.Count > 0 && !control.Tags.Any(t => Tags.Contains(t, StringComparer.Ordinal)))
        {
            return false;
        }

        if (Severities.Count > 0 && !Severities.Contains(EffectiveSeverity(control)))
        {
            return false;
        }

        if (Baseline is not null && !control.Nist.Any(id => catalog.Find(id)?.Baselines.Contains(Baseline, StringComparer.Ordinal) == true))
        {
            return false;
        }

        return true;
    }

    public Severity EffectiveSeverity(ControlDefinition control) =>
        Overrides.TryGetValue(control.Id, out var o) && o.Severity is { } s ? s : control.Severity;

    /// <summary>The selected controls, compiled with this policy's overrides.</summary>
    public IReadOnlyList<CompiledControl> Compile(ControlSet controls, NistCatalog catalog) =>
        controls.Controls.Where(c => Selects(c, catalog)).Select(c =>
        {
            Overrides.TryGetValue(c.Id, out var o);
            return CompiledControl.Compile(c, o?.Severity, o?.Parameters);
        }).ToArray();

    /// <summary>The exclusion that leaves this control x resource out, or null.</summary>
    public PolicyExclusion? Excludes(ControlDefinition control, Resource resource) =>
        Exclusions.Count == 0 ? null : Exclusions.FirstOrDefault(e => e.Matches(control.Id, resource));
}

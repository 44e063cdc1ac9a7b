using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;

namespace PostureScanner.Core.Coverage;

/// <summary>
/// The control x cloud matrix, computed from the mappings and the controls, never declared
/// (DECISIONS 12): a control is automated on a cloud when that cloud's mapping of its resource
/// type produces every attribute it reads. The tests add the other half of the rule: every
/// automated cell has a pass and a fail fixture that run.
/// </summary>
public sealed class CoverageMatrix
{
    private CoverageMatrix(IReadOnlyList<ControlCoverage> rows)
    {
        Rows = rows;
    }

    public IReadOnlyList<ControlCoverage> Rows { get; }

    public int Count(Provider provider, CoverageStatus status) => Rows.Count(r => r.Providers[provider] == status);

    public static CoverageMatrix Compute(ControlSet controls, MappingSet mappings)
    {
        var rows = new List<ControlCoverage>();
        foreach (var control in controls.Controls)
        {
            var statuses = new Dictionary<Provider, CoverageStatus>();
            var reasons = new Dictionary<Provider, string>();
            foreach (var provider in ProviderNames.All)
            {
                if (control.Manual.TryGetValue(provider, out var manualReason))
                {
                    statuses[provider] = CoverageStatus.Manual;
                    reasons[provider] = manualReason;
                    continue;
                }

                var mapping = mappings.Find(provider, control.ResourceType);
                if (mapping is null)
                {
                    statuses[provider] = CoverageStatus.None;
                    reasons[provider] = $"no {provider.ToName()} mapping for {control.ResourceType}";
                    continue;
                }

                var missing = MissingAttributes(control, mapping);
                statuses[provider] = missing.Count == 0 ? CoverageStatus.Automated : CoverageStatus.None;
                if (missing.Count > 0)
                {
                    reasons[provider] = $"{mapping.File} does not produce: {string.Join(", ", missing)}";
                }
            }

            rows.Add(new ControlCoverage(control, statuses, reasons));
        }

        return new CoverageMatrix(rows);
    }

    /// <summary>Attributes the control reads that the mapping does not produce on every source (a prefix attribute counts).</summary>
    public static IReadOnlyList<string> MissingAttributes(ControlDefinition control, MappingDefinition mapping)
    {
        var produced = mapping.ProducedAttributes;
        return control.AttributesRead.Where(a => !IsProduced(a, produced)).ToArray();
    }

    private static bool IsProduced(string attribute, IReadOnlySet<string> produced)
    {
        if (produced.Contains(attribute))
        {
            return true;
        }

        var cut = attribute.LastIndexOf('.');
        while (cut > 0)
        {
            if (produced.Contains(attribute[..cut]))
            {
                return true;
            }

            cut = attribute.LastIndexOf('.', cut - 1);
        }

        return false;
    }
}

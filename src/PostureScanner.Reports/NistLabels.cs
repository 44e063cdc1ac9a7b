using PostureScanner.Core.Catalog;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Reports;

/// <summary>NIST ids of each control in display form (<c>SC-7(4)</c>, DECISIONS 8), looked up once per control.</summary>
internal sealed class NistLabels(NistCatalog catalog)
{
    private readonly Dictionary<string, string[]> _byControl = new(StringComparer.Ordinal);

    public IReadOnlyList<string> For(CompiledControl control)
    {
        if (!_byControl.TryGetValue(control.Definition.Id, out var labels))
        {
            labels = [.. control.Definition.Nist.Select(catalog.Label)];
            _byControl[control.Definition.Id] = labels;
        }

        return labels;
    }
}

using System.Globalization;
using PostureScanner.Core.Controls;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>The store's findings in three lines: counts per state, open findings per severity and per cloud.</summary>
internal static class FindingsSummaryWriter
{
    public static void Write(TextWriter output, IReadOnlyList<FindingRecord> findings)
    {
        var states = Enum.GetValues<FindingState>()
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.ToName()} {findings.Count(f => f.State == s)}"));
        output.WriteLine("findings: " + string.Join("  ", states));
        var open = findings.Where(f => f.State == FindingState.Open).ToList();
        var bySeverity = Enum.GetValues<Severity>()
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.ToName()} {open.Count(f => f.Severity == s)}"));
        output.WriteLine("open by severity: " + string.Join("  ", bySeverity));
        var byCloud = Core.Inventory.ProviderNames.All
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{Core.Inventory.ProviderNames.ToName(p)} {open.Count(f => f.Provider == p)}"));
        output.WriteLine("open by cloud:    " + string.Join("  ", byCloud));
    }
}

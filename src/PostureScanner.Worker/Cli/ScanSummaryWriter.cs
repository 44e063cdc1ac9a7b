using System.Globalization;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>The human summary of a scan: inputs, counts per status, failures per severity and per cloud, and the findings table.</summary>
internal static class ScanSummaryWriter
{
    /// <summary>A terminal table beyond this many rows helps nobody; the machine formats carry everything.</summary>
    private const int MaxTableRows = 2000;

    public static void WriteFindings(TextWriter output, ScanOutcome outcome, NistCatalog catalog)
    {
        var listed = outcome.Results.Count(r => r.Status != EvaluationStatus.Pass || outcome.IncludePasses);
        if (listed > MaxTableRows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{listed:N0} results: too many for a table; use --format json, csv or sarif with --output."));
            return;
        }

        var rows = outcome.Results.Where(r => r.Status != EvaluationStatus.Pass || outcome.IncludePasses)
            .OrderBy(r => r.Status)
            .ThenBy(r => r.Severity)
            .ThenBy(r => r, ResultOrder.Instance)
            .Select(r => new[]
            {
                r.Status.ToName(), r.Severity.ToName(), r.Control.Definition.Id, r.Resource.Provider.ToName(), r.Resource.Name,
                string.Join(" ", r.Control.Definition.Nist.Select(catalog.Label)),
            })
            .ToList();
        if (rows.Count > 0)
        {
            TextTable.Write(output, ["STATUS", "SEVERITY", "CONTROL", "CLOUD", "RESOURCE", "NIST"], rows);
            output.WriteLine();
        }
    }

    public static void WriteSummary(TextWriter output, ScanOutcome outcome, TimeSpan elapsed)
    {
        var c = outcome.Counters;
        foreach (var input in outcome.Inputs)
        {
            var status = input.Error is null ? "ok" : "ERROR: " + input.Error;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"input  {input.Path}  [{input.Format ?? "unrecognised"}]  {input.Resources:N0} records  {status}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scanned {c.Records:N0} records ({c.Resources:N0} resources, {c.Unmapped:N0} of unmapped types) against {outcome.Controls.Count} controls in {elapsed.TotalSeconds:N1} s"));
        if (c.KeptRecords > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"unchanged: {c.KeptRecords:N0} records byte for byte as last stored, same controls: counted from the store, not parsed"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"evaluations: {c.Evaluations:N0}  pass {c[EvaluationStatus.Pass]:N0}  fail {c[EvaluationStatus.Fail]:N0}  unknown {c[EvaluationStatus.Unknown]:N0}  error {c[EvaluationStatus.Error]:N0}  excluded {c.Excluded:N0}"));

        // From the counters, not the results: a stored scan that kept records unparsed has no results for them.
        var bySeverity = Enum.GetValues<Severity>().Select(s => $"{s.ToName()} {c.Failures(s).ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine("failures by severity: " + string.Join("  ", bySeverity));
        var byCloud = ProviderNames.All.Select(p => $"{p.ToName()} {c.Failures(p).ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine("failures by cloud:    " + string.Join("  ", byCloud));
    }
}

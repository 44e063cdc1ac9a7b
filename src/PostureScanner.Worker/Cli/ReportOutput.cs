using System.Reflection;
using PostureScanner.Reports;

namespace PostureScanner.Worker.Cli;

/// <summary>Writes the machine-readable scan reports (JSON contract, SARIF 2.1.0, CSV) to a file or stdout.</summary>
internal static class ReportOutput
{
    public static string ToolVersion { get; } =
        typeof(ReportOutput).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.1.0";

    public static async Task WriteAsync(string format, ScanOutcome outcome, ScanContent content, string? outputPath, CliContext cli, CancellationToken cancellationToken)
    {
        IReportWriter writer = format switch
        {
            "json" => new ScanJsonWriter(content.Catalog),
            "sarif" => new SarifWriter(content.Catalog),
            "csv" => new CsvWriter(content.Catalog),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown report format"),
        };
        var report = new ScanReport
        {
            Summary = ScanSummary.From(outcome.Counters, outcome.Inputs),
            Controls = outcome.Controls,
            Results = outcome.Results,
            ResultsAreSorted = true,
            IncludePasses = outcome.IncludePasses,
            ToolVersion = ToolVersion,
            StartedAt = outcome.StartedAt,
            FinishedAt = outcome.FinishedAt,
        };

        if (outputPath is null)
        {
            await using var stdout = OutputStream.Of(cli.Out);
            await writer.WriteAsync(report, stdout, cancellationToken);
            await stdout.FlushAsync(cancellationToken);
            return;
        }

        await using var file = File.Create(outputPath);
        await writer.WriteAsync(report, file, cancellationToken);
    }
}

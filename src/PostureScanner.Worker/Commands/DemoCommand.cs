using System.CommandLine;
using System.Globalization;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Policy;
using PostureScanner.Postgres.Findings;
using PostureScanner.Postgres.Options;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary>
/// <c>posture demo</c>: scans the bundled demo inventory (AWS, Azure and GCP records in several
/// of the formats users have, with known bad resources) and prints the findings and summary.
/// With a database (the default, <c>--database auto</c>: DECISIONS 13) it then scans a second day in
/// which a few resources were fixed, broken and deleted (<see cref="DemoDayTwo"/>) and prints the diff
/// between its two scans and the store's findings summary. <c>--database none</c> is the single scan.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The target both demo scans are stored under.</summary>
    public const string Target = "demo";

    public static Command Create(CliContext cli)
    {
        var format = CommonOptions.Format("table", "table", "json", "sarif", "csv");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var command = new Command("demo", "Scan the bundled demo inventory (no cloud account needed); with a database, a second day and its diff") { format, output, database, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (options, error) = StoreOptions.Parse(parse.GetValue(database), parse.GetValue(dataDir));
            if (options is null)
            {
                await cli.Error.WriteLineAsync(error);
                return ExitCodes.Usage;
            }

            var folder = DemoInventory.Extract();
            try
            {
                return await RunAsync(cli, folder, options, parse.GetValue(format) ?? "table", parse.GetValue(output), cancellationToken);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The demo over <paramref name="folder"/> (the extracted inventory; tests pass other folders).</summary>
    internal static async Task<int> RunAsync(CliContext cli, string folder, PostgresOptions options, string format, string? outputPath, CancellationToken cancellationToken)
    {
        var human = format == "table" && outputPath is null ? cli.Out : cli.Error;
        await human.WriteLineAsync($"Scanning the demo inventory ({DemoInventory.FileCount} files, AWS + Azure + GCP) ...");
        var content = ScanContent.Load(null, null);
        if (options.EffectiveMode == PostgresMode.None)
        {
            return await ScanCommand.RunAsync(cli, content, ScanPolicy.Default, [folder], format, outputPath, failOn: null, includePasses: false, cancellationToken);
        }

        return await StoreSession.RunAsync(cli, options, async session =>
        {
            var dayTwo = new DemoDayTwo();
            var (code, first) = await ScanCommand.RunAsync(cli, content, ScanPolicy.Default, [folder], format, outputPath, failOn: null, includePasses: false,
                new StoreTarget(session, Target, dayTwo.DayOneHooks), cancellationToken);
            if (code != ExitCodes.Ok || first is null)
            {
                return code;
            }

            var changes = dayTwo.Plan();
            await human.WriteLineAsync();
            await human.WriteLineAsync("Day 2: the same inventory after a day of changes:");
            foreach (var change in changes)
            {
                await human.WriteLineAsync(change.Kind switch
                {
                    DemoChangeKind.Fixed => $"  fixed    {change.Provider.ToName()} {change.NativeType} {change.Name} (now configured like {change.TwinName})",
                    DemoChangeKind.Broken => $"  broken   {change.Provider.ToName()} {change.NativeType} {change.Name} (now configured like {change.TwinName})",
                    _ => $"  deleted  {change.Provider.ToName()} {change.NativeType} {change.Name}",
                });
            }

            var (outcome, second) = await StoredScan.RunAsync(content, ScanPolicy.Default, [folder], [], includePasses: false, keepRecords: false, progress: null, cli.Time,
                session, Target, dayTwo.DayTwoHooks(), workers: 1, cancellationToken);
            using var dayTwoOutcome = outcome;
            var c = outcome.Counters;
            await human.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"scanned {c.Records:N0} records ({c.Resources:N0} resources): pass {c[Core.Evaluation.EvaluationStatus.Pass]:N0}  fail {c[Core.Evaluation.EvaluationStatus.Fail]:N0}  unknown {c[Core.Evaluation.EvaluationStatus.Unknown]:N0}"));
            StoredScan.WriteSummary(human, second, session.Database.Description);

            await human.WriteLineAsync();
            var diff = await session.Store.DiffAsync(first.Scan.ScanId, second.Scan.ScanId, cancellationToken);
            DiffWriter.WriteTable(human, diff);

            await human.WriteLineAsync();
            var findings = await session.Store.ListFindingsAsync(new FindingFilter { Target = Target }, cancellationToken);
            FindingsSummaryWriter.Write(human, findings);
            await human.WriteLineAsync();
            await human.WriteLineAsync("Explore: posture findings list --status open | posture findings show FINGERPRINT | posture diff | posture scans list");
            return ExitCodes.Ok;
        }, cancellationToken);
    }
}

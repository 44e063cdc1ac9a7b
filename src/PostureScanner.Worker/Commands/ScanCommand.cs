using System.CommandLine;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Policy;
using PostureScanner.Postgres.Options;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture scan --snapshot PATH...</c>: evaluate inventory files against the controls and report.</summary>
internal static class ScanCommand
{
    private static readonly string[] FailOnLevels = ["critical", "high", "medium", "low"];

    public static Command Create(CliContext cli)
    {
        var snapshot = new Option<string[]>("--snapshot")
        {
            Description = "Inventory file or directory (read recursively); repeatable. Formats are detected from content",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var policy = new Option<string?>("--policy") { Description = "Policy YAML: control selection, severity/parameter overrides, exclusions" };
        var format = CommonOptions.Format("table", "table", "json", "sarif", "csv", "summary");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a failure at or above this severity is found: critical, high, medium, low" };
        failOn.AcceptOnlyFromAmong(FailOnLevels);
        var includePasses = new Option<bool>("--include-passes") { Description = "Also report passing evaluations (summary counts always include them)" };
        var controls = CommonOptions.Controls();
        var mappings = CommonOptions.Mappings();
        var database = StoreOptions.Database("none");
        var dataDir = StoreOptions.DataDirectory();
        var target = new Option<string?>("--target")
        {
            Description = "Name the stored scan is recorded under (with --database); scans of one target are diffed and resolve each other's findings. Default: snapshot:<first input path>",
            HelpName = "NAME",
        };

        var parallel = new Option<int?>("--parallel")
        {
            Description = "Workers reading files side by side when storing with --format summary (default: the number of cores, at most 4); results do not depend on it",
            HelpName = "N",
        };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 64)
            {
                result.AddError("--parallel must be between 1 and 64");
            }
        });

        var command = new Command("scan", "Evaluate inventory snapshots (AWS Config, Azure Resource Graph/ARM, GCP Cloud Asset) against the controls")
        {
            snapshot, policy, format, output, failOn, includePasses, controls, mappings, database, dataDir, target, parallel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var content = ScanContent.Load(parse.GetValue(controls), parse.GetValue(mappings));
            var scanPolicy = parse.GetValue(policy) is { } policyPath
                ? ScanPolicyLoader.Load(policyPath, await File.ReadAllTextAsync(policyPath, cancellationToken), content.Controls)
                : ScanPolicy.Default;
            var paths = parse.GetValue(snapshot) ?? [];
            var (storeOptions, storeError) = StoreOptions.Parse(parse.GetValue(database), parse.GetValue(dataDir));
            if (storeOptions is null)
            {
                await cli.Error.WriteLineAsync(storeError);
                return ExitCodes.Usage;
            }

            if (storeOptions.EffectiveMode == PostgresMode.None)
            {
                if (parse.GetValue(target) is not null)
                {
                    await cli.Error.WriteLineAsync("--target names the stored scan: it needs --database auto or --database CONN");
                    return ExitCodes.Usage;
                }

                return await RunAsync(cli, content, scanPolicy, paths, parse.GetValue(format) ?? "table",
                    parse.GetValue(output), parse.GetValue(failOn), parse.GetValue(includePasses), cancellationToken);
            }

            var targetName = parse.GetValue(target) ?? "snapshot:" + Path.GetFullPath(paths.Length > 0 ? paths[0] : ".");
            return await StoreSession.RunAsync(cli, storeOptions, async session =>
                (await RunAsync(cli, content, scanPolicy, paths, parse.GetValue(format) ?? "table", parse.GetValue(output), parse.GetValue(failOn),
                    parse.GetValue(includePasses), new StoreTarget(session, targetName, Workers: parse.GetValue(parallel) ?? DefaultWorkers), cancellationToken)).ExitCode, cancellationToken);
        });
        return command;
    }

    /// <summary>Reading workers of a stored scan by default: one per core, at most 4 (the sequencer and the merges need a share too).</summary>
    internal static int DefaultWorkers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    internal static async Task<int> RunAsync(CliContext cli, ScanContent content, ScanPolicy policy, IReadOnlyList<string> paths, string format,
        string? outputPath, string? failOn, bool includePasses, CancellationToken cancellationToken) =>
        (await RunAsync(cli, content, policy, paths, format, outputPath, failOn, includePasses, store: null, cancellationToken)).ExitCode;

    /// <summary>Scans, reports, and with <paramref name="store"/> stores the evaluations (see <see cref="StoredScan"/>).</summary>
    internal static async Task<(int ExitCode, StoreOutcome? Store)> RunAsync(CliContext cli, ScanContent content, ScanPolicy policy, IReadOnlyList<string> paths,
        string format, string? outputPath, string? failOn, bool includePasses, StoreTarget? store, CancellationToken cancellationToken)
    {
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        foreach (var path in missing)
        {
            await cli.Error.WriteLineAsync($"{path}: no such file or directory");
        }

        var progress = new ScanProgress(cli.Error, cli.Time);
        ScanOutcome outcome;
        StoreOutcome? stored = null;
        if (store is null)
        {
            outcome = await SnapshotScan.RunAsync(content, policy, paths.Except(missing).ToList(), includePasses, progress, cli.Time, cancellationToken);
        }
        else
        {
            // Only the summary to write: unchanged records need not even be parsed (see RecordKeeper).
            (outcome, stored) = await StoredScan.RunAsync(content, policy, paths.Except(missing).ToList(), missing, includePasses,
                keepRecords: format == "summary", progress, cli.Time,
                store.Session, store.Target, store.Hooks, store.Workers, cancellationToken);
        }

        using var ownedOutcome = outcome;

        // Machine formats on stdout keep the human summary on stderr, so pipes get clean JSON/SARIF.
        var summary = format is "table" or "summary" && outputPath is null ? cli.Out : cli.Error;
        if (format == "summary")
        {
            if (outputPath is not null)
            {
                await using var file = new StreamWriter(outputPath);
                ScanSummaryWriter.WriteSummary(file, outcome, progress.Elapsed);
            }
        }
        else if (format == "table")
        {
            if (outputPath is null)
            {
                ScanSummaryWriter.WriteFindings(cli.Out, outcome, content.Catalog);
            }
            else
            {
                await using var file = new StreamWriter(outputPath);
                ScanSummaryWriter.WriteFindings(file, outcome, content.Catalog);
            }
        }
        else
        {
            await ReportOutput.WriteAsync(format, outcome, content, outputPath, cli, cancellationToken);
        }

        ScanSummaryWriter.WriteSummary(summary, outcome, progress.Elapsed);
        if (stored is not null)
        {
            StoredScan.WriteSummary(summary, stored, store!.Session.Database.Description);
        }

        if (missing.Count > 0 || outcome.Inputs.Any(i => i.Error is not null))
        {
            await cli.Error.WriteLineAsync(stored is null
                ? "some inputs could not be read (see above); the others were scanned"
                : "some inputs could not be read (see above); the others were scanned, and no scope of this scan was merged into the store");
            return (ExitCodes.InputError, stored);
        }

        if (failOn is not null && Vocabulary.TryParseSeverity(failOn, out var threshold)
            && Enum.GetValues<Severity>().Any(s => s <= threshold && outcome.Counters.Failures(s) > 0))
        {
            return (ExitCodes.Findings, stored);
        }

        return (ExitCodes.Ok, stored);
    }
}

using System.CommandLine;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture diff [--from SCAN] [--to SCAN]</c>: new, resolved, reopened and severity-changed findings between two scans.</summary>
internal static class DiffCommand
{
    public static Command Create(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var from = new Option<long?>("--from") { Description = "Scan id to compare from (default: the previous scan of the same target)", HelpName = "SCAN" };
        var to = new Option<long?>("--to") { Description = "Scan id to compare to (default: the newest scan)", HelpName = "SCAN" };
        var format = CommonOptions.Format("table", "table", "json");
        var command = new Command("diff", "What changed between two scans of a target: new, resolved, reopened, severity changed") { database, dataDir, from, to, format };
        command.SetAction((parse, cancellationToken) => StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
        {
            var fromScan = parse.GetValue(from);
            var toScan = parse.GetValue(to);
            if (fromScan is { } f && toScan is { } t && f >= t)
            {
                await cli.Error.WriteLineAsync("--from must be an earlier scan than --to");
                return ExitCodes.Usage;
            }

            Postgres.Findings.ScanDiff diff;
            try
            {
                diff = await session.Store.DiffAsync(fromScan, toScan, cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                await cli.Error.WriteLineAsync($"posture diff: {ex.Message.Split(" (Parameter", 2)[0]}");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(format) == "json")
            {
                DiffWriter.WriteJson(cli.Out, diff);
            }
            else
            {
                DiffWriter.WriteTable(cli.Out, diff);
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}

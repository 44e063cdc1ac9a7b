using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PostureScanner.Postgres.Findings;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture scans list</c>: stored scans, newest first, with per-scope outcomes and merge counts.</summary>
internal static class ScansCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("scans", "Stored scans");
        command.Subcommands.Add(List(cli));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var limit = new Option<int>("--limit") { Description = "Show at most this many scans", DefaultValueFactory = _ => 20 };
        var format = CommonOptions.Format("table", "table", "json");
        var command = new Command("list", "List stored scans, newest first, with each scope's status and merge counts") { database, dataDir, limit, format };
        command.SetAction((parse, cancellationToken) => StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
        {
            var scans = await session.Store.ListScansAsync(Math.Max(1, parse.GetValue(limit)), cancellationToken);
            if (parse.GetValue(format) == "json")
            {
                WriteJson(cli.Out, scans);
                return ExitCodes.Ok;
            }

            if (scans.Count == 0)
            {
                await cli.Out.WriteLineAsync("no scans stored yet: run `posture scan --snapshot PATH --database ...` or `posture demo`");
                return ExitCodes.Ok;
            }

            var rows = scans.Select(s => new[]
            {
                s.Id.ToString(CultureInfo.InvariantCulture), s.Target, DateArgument.Format(s.StartedAt), s.Status.ToName(),
                string.Create(CultureInfo.InvariantCulture, $"{s.Scopes.Count(c => c.Status == ScopeStatus.Completed)}/{s.Scopes.Count}"),
                s.Scopes.Sum(c => c.Evaluations).ToString(CultureInfo.InvariantCulture),
                s.Scopes.Sum(c => c.Inserted).ToString(CultureInfo.InvariantCulture),
                s.Scopes.Sum(c => c.Changed).ToString(CultureInfo.InvariantCulture),
                s.Scopes.Sum(c => c.Resolved).ToString(CultureInfo.InvariantCulture),
            }).ToList();
            TextTable.Write(cli.Out, ["SCAN", "TARGET", "STARTED", "STATUS", "SCOPES OK", "EVALUATIONS", "NEW", "CHANGED", "RESOLVED"], rows);
            foreach (var s in scans)
            {
                foreach (var scope in s.Scopes.Where(c => c.Status == ScopeStatus.Failed))
                {
                    await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"scan {s.Id}: scope {scope.Scope} failed: {scope.Reason}"));
                }
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<ScanRecord> scans)
    {
        using var json = new Utf8JsonWriter(OutputStream.Of(output), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("scans");
        foreach (var s in scans)
        {
            json.WriteStartObject();
            json.WriteNumber("id", s.Id);
            json.WriteString("target", s.Target);
            json.WriteString("startedAt", s.StartedAt);
            json.WriteStringOrNull("finishedAt", s.FinishedAt);

            json.WriteString("status", s.Status.ToName());
            json.WriteString("controlSetHash", s.ControlSetHash);
            json.WriteStartArray("scopes");
            foreach (var c in s.Scopes)
            {
                json.WriteStartObject();
                json.WriteString("scope", c.Scope);
                json.WriteString("status", c.Status.ToName());
                json.WriteString("reason", c.Reason);
                json.WriteNumber("evaluations", c.Evaluations);
                json.WriteNumber("resources", c.Resources);
                json.WriteNumber("inserted", c.Inserted);
                json.WriteNumber("changed", c.Changed);
                json.WriteNumber("resolved", c.Resolved);
                json.WriteNumber("unchanged", c.Unchanged);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteLine();
    }
}

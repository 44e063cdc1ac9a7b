using System.CommandLine;
using System.Globalization;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture db migrate</c>: apply the embedded schema migrations (under an advisory lock; idempotent).</summary>
internal static class DbCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("db", "Manage the findings database");
        command.Subcommands.Add(Migrate(cli));
        return command;
    }

    private static Command Migrate(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var command = new Command("migrate", "Apply the schema migrations this build embeds (safe to run again, and from several replicas at once)") { database, dataDir };
        command.SetAction((parse, cancellationToken) => StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
        {
            // Opening the session migrates; report what that did.
            var m = session.Database.Migration;
            await cli.Out.WriteLineAsync($"database: {session.Database.Description}");
            await cli.Out.WriteLineAsync(m.Applied.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"schema is up to date at version {m.Version}")
                : string.Create(CultureInfo.InvariantCulture, $"applied migration(s) {string.Join(", ", m.Applied)}; schema at version {m.Version}"));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}

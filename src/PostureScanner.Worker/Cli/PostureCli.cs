using System.CommandLine;
using PostureScanner.Core.Content;
using PostureScanner.Worker.Commands;

namespace PostureScanner.Worker.Cli;

/// <summary>The <c>posture</c> command tree (System.CommandLine). Usage errors exit 2, content errors exit 2 with every located problem.</summary>
internal static class PostureCli
{
    public static RootCommand Create(CliContext cli)
    {
        var root = new RootCommand("PostureScanner: one NIST SP 800-53 mapped policy for AWS, Azure and GCP inventories");
        root.Subcommands.Add(ScanCommand.Create(cli));
        root.Subcommands.Add(ControlsCommand.Create(cli));
        root.Subcommands.Add(DemoCommand.Create(cli));
        root.Subcommands.Add(DevCommand.Create(cli));
        root.Subcommands.Add(DbCommand.Create(cli));
        root.Subcommands.Add(ScansCommand.Create(cli));
        root.Subcommands.Add(FindingsCommand.Create(cli));
        root.Subcommands.Add(DiffCommand.Create(cli));
        root.Subcommands.Add(SuppressCommand.Create(cli));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext cli, CancellationToken cancellationToken)
    {
        var parse = Create(cli).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await cli.Error.WriteLineAsync(error.Message);
            }

            await cli.Error.WriteLineAsync("Run 'posture --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = cli.Out, Error = cli.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (ContentException ex)
        {
            foreach (var error in ex.Errors)
            {
                await cli.Error.WriteLineAsync(error.ToString());
            }

            return ExitCodes.Usage;
        }
    }
}

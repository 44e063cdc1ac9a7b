using System.CommandLine;
using PostureScanner.Core.Policy;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary>
/// <c>posture demo</c>: scans the bundled demo inventory (AWS, Azure and GCP records in several
/// of the formats users have, with known bad resources) and prints the findings and summary.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext cli)
    {
        var format = CommonOptions.Format("table", "table", "json", "sarif", "csv");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var command = new Command("demo", "Scan the bundled demo inventory (no cloud account needed)") { format, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = DemoInventory.Extract();
            try
            {
                await cli.Out.WriteLineAsync($"Scanning the demo inventory ({DemoInventory.FileCount} files, AWS + Azure + GCP) ...");
                var content = ScanContent.Load(null, null);
                var code = await ScanCommand.RunAsync(cli, content, ScanPolicy.Default, [folder], parse.GetValue(format) ?? "table",
                    parse.GetValue(output), failOn: null, includePasses: false, cancellationToken);
                return code;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture dev generate</c>: synthetic inventories for streaming and performance checks (DECISIONS 15).</summary>
internal static class DevCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("dev", "Developer tools");
        var output = new Option<string>("--output", "-o") { Description = "Directory to write the generated inventory into", Required = true };
        var resources = new Option<long>("--resources") { Description = "Number of records to generate", DefaultValueFactory = _ => 100_000 };
        var size = new Option<string?>("--size") { Description = "Generate until the files reach this size instead (e.g. 1GB, 200MB)" };
        var seed = new Option<int>("--seed") { Description = "Seed for the deterministic choice of templates", DefaultValueFactory = _ => 42 };
        var change = new Option<double>("--change-percent") { Description = "Give this share of records (same ids) the content of another template of their type: with the same seed, a re-scan with N% changed", DefaultValueFactory = _ => 0 };
        var templates = new Option<string?>("--templates") { Description = "Inventory files or directory whose records serve as templates (default: the built-in demo inventory)" };
        var perFile = new Option<int>("--records-per-file") { Description = "Records per file (providers take turns file by file)", DefaultValueFactory = _ => InventoryGenerator.DefaultRecordsPerFile };
        perFile.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--records-per-file must be at least 1");
            }
        });
        var generate = new Command("generate", "Write a synthetic multi-cloud inventory (AWS Config snapshot, Azure Resource Graph pages, GCP CAI JSON lines) built from the demo records")
        {
            output, resources, size, seed, templates, change, perFile,
        };
        generate.SetAction(async (parse, cancellationToken) =>
        {
            var limitBytes = parse.GetValue(size) is { } s ? ParseSize(s) : (long?)null;
            var generator = new InventoryGenerator(parse.GetValue(seed), parse.GetValue(change)) { RecordsPerFile = parse.GetValue(perFile) };
            var written = await generator.WriteAsync(parse.GetValue(templates), parse.GetValue(output)!, limitBytes is null ? parse.GetValue(resources) : long.MaxValue, limitBytes, cancellationToken);
            await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {written.Records:N0} records, {written.Bytes / 1_048_576.0:N1} MiB in {written.Files} files to {parse.GetValue(output)}"));
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(generate);
        return command;
    }

    internal static long ParseSize(string text)
    {
        var t = text.Trim().ToUpperInvariant();
        long factor = t.EndsWith("GB", StringComparison.Ordinal) ? 1L << 30 : t.EndsWith("MB", StringComparison.Ordinal) ? 1L << 20 : t.EndsWith("KB", StringComparison.Ordinal) ? 1L << 10 : 1;
        var number = t.TrimEnd('G', 'M', 'K', 'B');
        return (long)(double.Parse(number, CultureInfo.InvariantCulture) * factor);
    }
}

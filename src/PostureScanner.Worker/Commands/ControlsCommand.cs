using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Coverage;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture controls validate|list|coverage</c>.</summary>
internal static class ControlsCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("controls", "Validate, list and show the coverage of the control library");
        command.Subcommands.Add(Validate(cli));
        command.Subcommands.Add(List(cli));
        command.Subcommands.Add(Coverage(cli));
        return command;
    }

    private static Command Validate(CliContext cli)
    {
        var dir = new Argument<string?>("dir") { Description = "Controls directory (default: the built-in library)", Arity = ArgumentArity.ZeroOrOne };
        var mappings = CommonOptions.Mappings();
        var command = new Command("validate", "Check every control (and the mappings) and report each problem with file, line and field") { dir, mappings };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(dir);
            var source = path is null ? ContentSource.Embedded("controls") : ContentSource.Directory(path);
            var errors = new List<ContentError>();
            IReadOnlyList<ControlDefinition> controls = [];
            try
            {
                (controls, var controlErrors) = new ControlLoader(NistCatalog.Embedded).Validate(source);
                errors.AddRange(controlErrors);
            }
            catch (ContentException ex)
            {
                errors.AddRange(ex.Errors);
            }

            MappingSet? mappingSet = null;
            try
            {
                var mappingDir = parse.GetValue(mappings);
                mappingSet = new MappingLoader(new ExpressionCompiler()).LoadAll(mappingDir is null ? ContentSource.Embedded("mappings") : ContentSource.Directory(mappingDir));
            }
            catch (ContentException ex)
            {
                errors.AddRange(ex.Errors);
            }

            if (mappingSet is not null)
            {
                // A control reading an attribute a mapped cloud never sets would be "unknown" forever there.
                foreach (var row in CoverageMatrix.Compute(new ControlSet(controls), mappingSet).Rows)
                {
                    foreach (var (provider, status) in row.Providers)
                    {
                        if (status == CoverageStatus.None && mappingSet.Find(provider, row.Control.ResourceType) is not null)
                        {
                            errors.Add(new ContentError(row.Control.File, 0, 0, "check", $"{provider.ToName()}: {row.Reasons[provider]} (map them or mark the control manual for {provider.ToName()})"));
                        }
                    }
                }
            }

            foreach (var error in errors)
            {
                cli.Error.WriteLine(error.ToString());
            }

            if (errors.Count > 0)
            {
                cli.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{errors.Count} problem(s) in {source.Description}"));
                return ExitCodes.Usage;
            }

            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{controls.Count} controls valid ({source.Description}); {mappingSet?.Mappings.Count ?? 0} mappings valid"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var format = CommonOptions.Format("table", "table", "json");
        var controlsDir = CommonOptions.Controls();
        var command = new Command("list", "List the controls") { format, controlsDir };
        command.SetAction(parse =>
        {
            var controls = new ControlLoader(NistCatalog.Embedded).LoadAll(Source(parse.GetValue(controlsDir), "controls"));
            if (parse.GetValue(format) == "json")
            {
                using var json = new Utf8JsonWriter(OutputStream.Of(cli.Out), new JsonWriterOptions { Indented = true });
                json.WriteStartObject();
                json.WriteStartArray("controls");
                foreach (var c in controls.Controls)
                {
                    json.WriteStartObject();
                    json.WriteString("id", c.Id);
                    json.WriteString("title", c.Title);
                    json.WriteString("severity", c.Severity.ToName());
                    json.WriteString("domain", c.Domain);
                    json.WriteString("resourceType", c.ResourceType);
                    WriteStrings(json, "nist", c.Nist.Select(NistCatalog.Embedded.Label));
                    WriteStrings(json, "tags", c.Tags);
                    WriteStrings(json, "aliases", c.Aliases);
                    json.WriteStartObject("parameters");
                    foreach (var p in c.Parameters)
                    {
                        json.WritePropertyName(p.Name);
                        json.WriteRawValue(p.Default.ToString(Newtonsoft.Json.Formatting.None));
                    }

                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.Flush();
                cli.Out.WriteLine();
                return ExitCodes.Ok;
            }

            var rows = controls.Controls.Select(c => new[] { c.Id, c.Severity.ToName(), c.ResourceType, string.Join(" ", c.Nist.Select(NistCatalog.Embedded.Label)), c.Title }).ToList();
            TextTable.Write(cli.Out, ["ID", "SEVERITY", "RESOURCE TYPE", "NIST 800-53 R5", "TITLE"], rows);
            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} controls"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Coverage(CliContext cli)
    {
        var format = CommonOptions.Format("table", "table", "json", "markdown");
        var controlsDir = CommonOptions.Controls();
        var mappingsDir = CommonOptions.Mappings();
        var command = new Command("coverage", "Show which controls are automated, manual or not covered on each cloud (computed from the mappings)") { format, controlsDir, mappingsDir };
        command.SetAction(parse =>
        {
            var content = ScanContent.Load(parse.GetValue(controlsDir), parse.GetValue(mappingsDir));
            var matrix = CoverageMatrix.Compute(content.Controls, content.Mappings);
            switch (parse.GetValue(format))
            {
                case "json":
                    CoverageWriter.WriteJson(cli.Out, matrix, content.Catalog);
                    break;
                case "markdown":
                    CoverageWriter.WriteMarkdown(cli.Out, matrix, content.Catalog);
                    break;
                default:
                    CoverageWriter.WriteTable(cli.Out, matrix, content.Catalog);
                    break;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static ContentSource Source(string? dir, string kind) => dir is null ? ContentSource.Embedded(kind) : ContentSource.Directory(dir);

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }
}

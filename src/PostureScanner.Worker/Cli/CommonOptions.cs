using System.CommandLine;

namespace PostureScanner.Worker.Cli;

/// <summary>Options several verbs share, so they are spelled and described once.</summary>
internal static class CommonOptions
{
    public static Option<string?> Controls() => new("--controls")
    {
        Description = "Directory of control YAML files to use instead of the built-in library",
    };

    public static Option<string?> Mappings() => new("--mappings")
    {
        Description = "Directory of mapping YAML files (aws/, azure/, gcp/) to use instead of the built-in mappings",
    };

    public static Option<string> Format(string defaultValue, params string[] allowed)
    {
        var option = new Option<string>("--format")
        {
            Description = $"Output format: {string.Join(", ", allowed)}",
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }
}

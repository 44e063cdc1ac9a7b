using System.CommandLine;
using PostureScanner.Postgres.Options;

namespace PostureScanner.Worker.Cli;

/// <summary><c>--database auto|none|CONN</c> and <c>--data-dir DIR</c>, shared by every verb that stores or reads findings.</summary>
internal static class StoreOptions
{
    public static Option<string> Database(string defaultValue) => new("--database")
    {
        Description = "Where findings are stored: 'auto' (a private PostgreSQL started from the system's binaries and reused), " +
            "'none' (store nothing) or a connection string such as \"Host=db;Username=posture;Database=posture\"",
        DefaultValueFactory = _ => defaultValue,
        HelpName = "auto|none|CONN",
    };

    public static Option<string?> DataDirectory() => new("--data-dir")
    {
        Description = "Data folder of the local PostgreSQL of --database auto (default: /var/lib/posture/pg as root, else ~/.local/share/posture/pg)",
        HelpName = "DIR",
    };

    /// <summary>Maps the option values onto <see cref="PostgresOptions"/>; the error names the option when the value is not usable.</summary>
    public static (PostgresOptions? Options, string? Error) Parse(string? database, string? dataDirectory)
    {
        var value = database?.Trim();
        if (string.IsNullOrEmpty(value) || value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return dataDirectory is null
                ? (new PostgresOptions { Mode = PostgresMode.None }, null)
                : (null, "--data-dir is the folder of --database auto; add --database auto to store findings there");
        }

        if (value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return (new PostgresOptions { Mode = PostgresMode.Auto, DataDirectory = dataDirectory is null ? null : Path.GetFullPath(dataDirectory) }, null);
        }

        if (PostgresOptions.ConnectionStringError(value) is { } error)
        {
            return (null, $"--database: expected 'auto', 'none' or a PostgreSQL connection string (Host=...;Database=...): {error}");
        }

        if (dataDirectory is not null)
        {
            return (null, "--data-dir applies to --database auto only, not to a connection string");
        }

        return (new PostgresOptions { Mode = PostgresMode.Connection, ConnectionString = value }, null);
    }
}

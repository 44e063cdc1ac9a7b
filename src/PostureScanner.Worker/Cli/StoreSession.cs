using System.Net.Sockets;
using Npgsql;
using PostureScanner.Postgres;
using PostureScanner.Postgres.Findings;
using PostureScanner.Postgres.Local;
using PostureScanner.Postgres.Options;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// The store for one CLI verb: <see cref="PostgresDatabase"/> opened from <c>--database</c>/<c>--data-dir</c>
/// (local server started or reused, migrations applied) and a <see cref="FindingStore"/> on the CLI's clock.
/// Database problems (binaries missing, server unreachable, bad credentials) end the verb with a one-line
/// message and exit code 2 (a configuration error) instead of a stack trace.
/// </summary>
internal sealed class StoreSession : IAsyncDisposable
{
    private StoreSession(PostgresDatabase database, FindingStore store)
    {
        Database = database;
        Store = store;
    }

    public PostgresDatabase Database { get; }

    public FindingStore Store { get; }

    /// <summary>How many scopes a scan streams into the store at once (each holds one connection until the scan ends).</summary>
    public int MaxScopeStreams => Math.Clamp(Database.MaxPoolSize / 4, 1, 16);

    /// <summary>
    /// How many scope merges run side by side once the input is read. Each is one server process bound by
    /// one core; two kept both cores of the 2-core reference machine busy (see the README's benchmarks).
    /// </summary>
    public const int MaxParallelMerges = 2;

    public static async Task<StoreSession> OpenAsync(CliContext cli, PostgresOptions options, CancellationToken cancellationToken)
    {
        // Notices go to stderr so machine formats on stdout stay clean.
        var database = await PostgresDatabase.OpenAsync(options, cli.Error, loggerFactory: null, cancellationToken);
        return new StoreSession(database, database.CreateStore(cli.Time));
    }

    /// <summary>
    /// Runs <paramref name="action"/> with the store named by the options; a database that cannot be
    /// opened or used is reported on stderr and exits 2. Mode none is a usage error for store verbs.
    /// </summary>
    public static async Task<int> RunAsync(CliContext cli, string? database, string? dataDirectory, Func<StoreSession, Task<int>> action, CancellationToken cancellationToken)
    {
        var (options, error) = StoreOptions.Parse(database, dataDirectory);
        if (options is null)
        {
            await cli.Error.WriteLineAsync(error);
            return ExitCodes.Usage;
        }

        if (options.EffectiveMode == PostgresMode.None)
        {
            await cli.Error.WriteLineAsync("this command reads the findings store: use --database auto or --database CONN, not none");
            return ExitCodes.Usage;
        }

        return await RunAsync(cli, options, action, cancellationToken);
    }

    public static async Task<int> RunAsync(CliContext cli, PostgresOptions options, Func<StoreSession, Task<int>> action, CancellationToken cancellationToken)
    {
        StoreSession session;
        try
        {
            session = await OpenAsync(cli, options, cancellationToken);
        }
        catch (Exception ex) when (IsDatabaseProblem(ex))
        {
            await cli.Error.WriteLineAsync($"posture: cannot open the findings database: {ex.Message}");
            return ExitCodes.Usage;
        }

        await using (session)
        {
            try
            {
                return await action(session);
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException)
            {
                await cli.Error.WriteLineAsync($"posture: database error ({session.Database.Description}): {ex.Message}");
                return ExitCodes.Usage;
            }
        }
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();

    private static bool IsDatabaseProblem(Exception ex) =>
        ex is PostgresNotInstalledException or NpgsqlException or SocketException or InvalidOperationException or UnauthorizedAccessException or IOException;
}

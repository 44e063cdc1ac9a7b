using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace PostureScanner.Postgres.Local;

/// <summary>
/// A private PostgreSQL server run from the system's binaries (<c>--database auto</c> and the tests'
/// fixture): <c>initdb</c> on first use, <c>pg_ctl start</c> on 127.0.0.1 and a free port, reused by the
/// next run when it is still running (the port is read back from <c>postmaster.pid</c>).
/// When this process is root, the server runs as the <c>postgres</c> account (DECISIONS 4), because
/// initdb and the server refuse to run as root.
/// </summary>
public sealed class LocalPostgres
{
    private readonly PostgresBinaries _binaries;
    private readonly string? _runAs;

    private LocalPostgres(PostgresBinaries binaries, string dataDirectory, int port, string? runAs, string database)
    {
        _binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        _runAs = runAs;
        Database = database;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string Database { get; }

    /// <summary>Connection string of <see cref="Database"/>.</summary>
    public string ConnectionString => ConnectionStringFor(Database);

    /// <summary>Root: <c>/var/lib/posture/pg</c>; others: <c>$XDG_DATA_HOME/posture/pg</c> or <c>~/.local/share/posture/pg</c>.</summary>
    public static string DefaultDataDirectory()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return "/var/lib/posture/pg";
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdg;
        return Path.Combine(root, "posture", "pg");
    }

    /// <summary>
    /// Initializes the cluster if needed, starts it unless it is already running, and creates
    /// <see cref="LocalPostgresSettings.Database"/>.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">initdb/pg_ctl are not installed.</exception>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var binaries = PostgresBinaries.Find(settings.BinDirectory);
        var dataDirectory = Path.GetFullPath(settings.DataDirectory ?? DefaultDataDirectory());
        var runAs = Environment.IsPrivilegedProcess ? settings.ServiceAccount : null;

        if (runAs is not null)
        {
            settings.Notices?.WriteLine($"posture: running as root; PostgreSQL runs as the '{runAs}' account in {dataDirectory} (initdb refuses root)");
        }

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(binaries, dataDirectory, runAs, settings.Durable, cancellationToken);
        }

        var port = ReadRunningPort(dataDirectory);
        if (port is null || !await IsRunningAsync(binaries, dataDirectory, runAs, cancellationToken))
        {
            port = FreeLoopbackPort();
            var log = Path.Combine(dataDirectory, "server.log");
            await RunAsync(runAs, binaries.PgCtl,
                ["-D", dataDirectory, "-l", log, "-w", "-t", "60", "-o", $"-p {port.Value.ToString(CultureInfo.InvariantCulture)}", "start"],
                cancellationToken);
        }

        var server = new LocalPostgres(binaries, dataDirectory, port.Value, runAs, settings.Database);
        await server.CreateDatabaseAsync(settings.Database, cancellationToken);
        return server;
    }

    /// <summary>Connection string for a database of this server (trust auth: loopback only, see initdb flags).</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // Local tools and tests open and close many short connections.
        Pooling = true,
    }.ConnectionString;

    /// <summary>Creates the database unless it exists; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection))
        {
            exists.Parameters.AddWithValue(database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return ConnectionStringFor(database);
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"create database {QuoteIdentifier(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it at the same time.
        }

        return ConnectionStringFor(database);
    }

    /// <summary>Stops the server (fast shutdown: open transactions roll back).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopAsync(immediate: false, cancellationToken);

    /// <summary>Stops the server; <paramref name="immediate"/> skips the shutdown checkpoint (throw-away clusters only).</summary>
    public async Task StopAsync(bool immediate, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(_runAs, _binaries.PgCtl, ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"], cancellationToken);
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task InitializeAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, bool durable, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        if (runAs is not null)
        {
            // The service account must own the cluster folder; its parents only need to be traversable.
            await RunAsync(null, "chown", ["-R", $"{runAs}:", dataDirectory], cancellationToken);
        }

        // Trust authentication is safe here because the server listens on 127.0.0.1 only and has no Unix socket.
        await RunAsync(runAs, binaries.InitDb,
            ["-D", dataDirectory, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=trust", "--no-instructions"],
            cancellationToken);

        var conf = new List<string>
        {
            "",
            "# PostureScanner local server (LocalPostgres)",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 200",
            // The findings' unique index on a SHA-256 fingerprint is written in random order: with a cache
            // smaller than the index, a first scan of a million resources thrashes it.
            "shared_buffers = 1GB",
            "temp_buffers = 64MB",
            "work_mem = 32MB",
            "maintenance_work_mem = 256MB",
            "max_wal_size = 4GB",
        };
        if (!durable)
        {
            conf.AddRange(["fsync = off", "full_page_writes = off", "synchronous_commit = off"]);
        }

        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, "postgresql.conf"), conf, cancellationToken);
    }

    private static int? ReadRunningPort(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        // postmaster.pid: line 1 pid, 2 data dir, 3 start time, 4 port.
        var lines = File.ReadAllLines(pidFile);
        return lines.Length >= 4 && int.TryParse(lines[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    private static async Task<bool> IsRunningAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, CancellationToken cancellationToken)
    {
        var (exitCode, _) = await ExecuteAsync(runAs, binaries.PgCtl, ["-D", dataDirectory, "status"], cancellationToken);
        return exitCode == 0;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task RunAsync(string? runAs, string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ExecuteAsync(runAs, program, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed with exit code {exitCode}: {output.Trim()}");
        }
    }

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string? runAs, string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = runAs is null ? program : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The service account may not be able to enter the caller's working folder.
            WorkingDirectory = "/",
        };
        if (runAs is not null)
        {
            foreach (var a in (string[])["-u", runAs, "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}

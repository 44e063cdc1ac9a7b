namespace PostureScanner.Postgres.Local;

/// <summary>How to run the private PostgreSQL of <c>--database auto</c> (and of the tests).</summary>
public sealed record LocalPostgresSettings
{
    /// <summary>The cluster folder; null for <see cref="LocalPostgres.DefaultDataDirectory"/>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The database to create and connect to.</summary>
    public string Database { get; init; } = "posture";

    /// <summary>Folder holding initdb and pg_ctl; null to search PATH and /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// False for throw-away clusters (tests): fsync, full-page writes and synchronous commit are off.
    /// Client crashes are still atomic (transactions); only an OS crash could lose data.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>The OS account that runs the server when this process is root (initdb refuses root).</summary>
    public string ServiceAccount { get; init; } = "postgres";

    /// <summary>Where the one-line notices go (running as the service account, starting the server).</summary>
    public TextWriter? Notices { get; init; }
}

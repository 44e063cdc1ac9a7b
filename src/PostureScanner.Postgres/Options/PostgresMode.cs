namespace PostureScanner.Postgres.Options;

/// <summary>Where findings are stored (<c>--database auto|none|CONN</c>, configuration key <c>Postgres:Mode</c>).</summary>
public enum PostgresMode
{
    /// <summary>A private PostgreSQL started (or reused) from the system's binaries in <see cref="PostgresOptions.DataDirectory"/>.</summary>
    Auto,

    /// <summary>The server named by <see cref="PostgresOptions.ConnectionString"/>.</summary>
    Connection,

    /// <summary>Nothing is stored (report mode).</summary>
    None,
}

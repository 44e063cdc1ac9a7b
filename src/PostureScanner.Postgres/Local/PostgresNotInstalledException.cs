namespace PostureScanner.Postgres.Local;

/// <summary>The PostgreSQL server programs are missing; the message says what to install.</summary>
public sealed class PostgresNotInstalledException : Exception
{
    public PostgresNotInstalledException()
    {
    }

    public PostgresNotInstalledException(string message)
        : base(message)
    {
    }

    public PostgresNotInstalledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

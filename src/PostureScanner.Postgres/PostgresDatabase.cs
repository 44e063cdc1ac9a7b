using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using PostureScanner.Postgres.Findings;
using PostureScanner.Postgres.Local;
using PostureScanner.Postgres.Migrations;
using PostureScanner.Postgres.Options;

namespace PostureScanner.Postgres;

/// <summary>
/// The store's database, opened from <see cref="PostgresOptions"/>: the local server started or reused
/// (auto) or the configured server (connection), with every embedded migration applied before use.
/// Shared by the CLI verbs and the worker host so both resolve <c>--database</c> the same way.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly ILoggerFactory? _loggerFactory;

    private PostgresDatabase(NpgsqlDataSource dataSource, string description, LocalPostgres? local, MigrationResult migration, ILoggerFactory? loggerFactory)
    {
        DataSource = dataSource;
        Description = description;
        LocalServer = local;
        Migration = migration;
        _loggerFactory = loggerFactory;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where the data lives, for people (never the password).</summary>
    public string Description { get; }

    /// <summary>The local server in auto mode; null otherwise.</summary>
    public LocalPostgres? LocalServer { get; }

    /// <summary>What migrating at open did.</summary>
    public MigrationResult Migration { get; }

    /// <summary>Maximum connections the pool will open (Npgsql <c>Max Pool Size</c>).</summary>
    public int MaxPoolSize => new NpgsqlConnectionStringBuilder(DataSource.ConnectionString).MaxPoolSize;

    /// <summary>
    /// Opens the database named by <paramref name="options"/> and applies migrations.
    /// Notices (running as the postgres account) go to <paramref name="notices"/>.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">auto mode and no PostgreSQL binaries.</exception>
    /// <exception cref="InvalidOperationException">mode none, or the options are invalid.</exception>
    public static async Task<PostgresDatabase> OpenAsync(PostgresOptions options, TextWriter? notices, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var invalid = new PostgresOptionsValidator().Validate(null, options);
        if (invalid.Failed)
        {
            throw new InvalidOperationException(invalid.FailureMessage);
        }

        LocalPostgres? local = null;
        string connectionString;
        string description;
        switch (options.EffectiveMode)
        {
            case PostgresMode.Auto:
                local = await LocalPostgres.StartAsync(new LocalPostgresSettings { DataDirectory = options.DataDirectory, Notices = notices }, cancellationToken);
                connectionString = local.ConnectionString;
                description = string.Create(CultureInfo.InvariantCulture, $"local PostgreSQL in {local.DataDirectory} (127.0.0.1:{local.Port}, database {local.Database})");
                break;
            case PostgresMode.Connection:
                connectionString = options.ConnectionString!;
                var builder = new NpgsqlConnectionStringBuilder(connectionString);
                description = string.Create(CultureInfo.InvariantCulture, $"PostgreSQL at {builder.Host}:{builder.Port}, database {builder.Database ?? builder.Username ?? "(default)"}");
                break;
            default:
                throw new InvalidOperationException("the store is disabled (mode none)");
        }

        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        if (loggerFactory is not null)
        {
            dataSourceBuilder.UseLoggerFactory(loggerFactory);
        }

        var dataSource = dataSourceBuilder.Build();
        try
        {
            var migration = await new MigrationRunner(dataSource, loggerFactory?.CreateLogger<MigrationRunner>()).MigrateAsync(cancellationToken);
            return new PostgresDatabase(dataSource, description, local, migration, loggerFactory);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>A store over this database on <paramref name="timeProvider"/>.</summary>
    public FindingStore CreateStore(TimeProvider timeProvider) =>
        new(DataSource, timeProvider, _loggerFactory?.CreateLogger<FindingStore>());

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

using Npgsql;
using PostureScanner.Postgres.Local;
using PostureScanner.Postgres.Migrations;
using Xunit;

namespace PostureScanner.Testing.Postgres;

/// <summary>
/// xunit class fixture: a fresh database on the shared <see cref="TempPostgresServer"/> for each test
/// class (<c>IClassFixture&lt;PostgresFixture&gt;</c>), migrated unless the class wants an empty one.
/// </summary>
public class PostgresFixture : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public LocalPostgres Server { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("fixture not initialized");

    /// <summary>False for classes that test migrations themselves and need an empty database.</summary>
    protected virtual bool Migrate => true;

    public async Task InitializeAsync()
    {
        Server = await TempPostgresServer.GetAsync();
        ConnectionString = await Server.CreateDatabaseAsync($"t_{Guid.NewGuid():N}", CancellationToken.None);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        if (Migrate)
        {
            await new MigrationRunner(_dataSource).MigrateAsync(CancellationToken.None);
        }
    }

    /// <summary>Creates another empty database on the same server (for tests that need several).</summary>
    public Task<string> CreateDatabaseAsync(string prefix) =>
        Server.CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}", CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}

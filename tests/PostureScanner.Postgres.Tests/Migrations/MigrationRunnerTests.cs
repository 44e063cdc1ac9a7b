using Npgsql;
using PostureScanner.Postgres.Migrations;
using PostureScanner.Testing.Postgres;

namespace PostureScanner.Postgres.Tests.Migrations;

public sealed class MigrationRunnerTests : IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _fixture;

    public MigrationRunnerTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task MigrateAsync_EmptyDatabase_AppliesEveryMigrationOnceAndRecordsTheVersion()
    {
        await using var ds = NpgsqlDataSource.Create(await _fixture.CreateDatabaseAsync("m"));
        var sut = new MigrationRunner(ds);

        var first = await sut.MigrateAsync(CancellationToken.None);
        var second = await sut.MigrateAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, MigrationRunner.LatestVersion), first.Applied);
        Assert.Equal(MigrationRunner.LatestVersion, first.Version);
        Assert.Empty(second.Applied);
        Assert.Equal(MigrationRunner.LatestVersion, second.Version);
        await using var cmd = ds.CreateCommand("select count(*) from information_schema.tables where table_schema = 'public' and table_name in ('targets','scopes','scans','scan_scopes','resources','findings','finding_events','suppressions','notification_outbox','schema_version')");
        Assert.Equal(10L, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateAsync_ThreeReplicasAtOnce_EachMigrationIsAppliedExactlyOnce()
    {
        var cs = await _fixture.CreateDatabaseAsync("m");
        // Two extra migrations: the second one fails if it runs twice (duplicate insert into a primary key).
        var migrations = MigrationRunner.Embedded.Concat(
        [
            MigrationRunner.Parse($"{MigrationRunner.LatestVersion + 1:D4}_marker.sql", "create table migration_marker (id int primary key, applied_by int); select pg_sleep(0.2);"),
            MigrationRunner.Parse($"{MigrationRunner.LatestVersion + 2:D4}_marker_row.sql", "insert into migration_marker values (1, pg_backend_pid());"),
        ]).ToList();
        var sources = Enumerable.Range(0, 3).Select(_ => NpgsqlDataSource.Create(cs)).ToList();
        try
        {
            using var start = new SemaphoreSlim(0);
            var runs = sources.Select(async ds =>
            {
                await start.WaitAsync();
                return await new MigrationRunner(ds).MigrateAsync(migrations, CancellationToken.None);
            }).ToList();
            start.Release(3);
            var results = await Task.WhenAll(runs);

            Assert.Equal(migrations.Select(m => m.Version), results.SelectMany(r => r.Applied).Order());
            Assert.All(results, r => Assert.Equal(migrations[^1].Version, r.Version));
            await using var cmd = sources[0].CreateCommand("select count(*) from schema_version");
            Assert.Equal((long)migrations.Count, await cmd.ExecuteScalarAsync());
            await using var marker = sources[0].CreateCommand("select count(*) from migration_marker");
            Assert.Equal(1L, await marker.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var ds in sources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MigrateAsync_AppliedMigrationEdited_IsRefused()
    {
        await using var ds = NpgsqlDataSource.Create(await _fixture.CreateDatabaseAsync("m"));
        var sut = new MigrationRunner(ds);
        await sut.MigrateAsync(CancellationToken.None);
        var edited = MigrationRunner.Embedded.Select(m => m.Version == 1 ? MigrationRunner.Parse("0001_initial.sql", m.Sql + "\n-- edited") : m).ToList();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.MigrateAsync(edited, CancellationToken.None));

        Assert.Contains("must never be edited", ex.Message);
    }

    [Fact]
    public async Task MigrateAsync_DatabaseNewerThanBuild_IsRefused()
    {
        await using var ds = NpgsqlDataSource.Create(await _fixture.CreateDatabaseAsync("m"));
        var sut = new MigrationRunner(ds);
        await sut.MigrateAsync(CancellationToken.None);
        await using (var cmd = ds.CreateCommand("insert into schema_version (version, name, checksum) values (999, 'future', 'x')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.MigrateAsync(CancellationToken.None));

        Assert.Contains("forward-only", ex.Message);
    }
}

using Npgsql;
using PostureScanner.Postgres.Migrations;
using PostureScanner.Testing.Postgres;
using PostureScanner.Worker.Tests.Cli;

namespace PostureScanner.Worker.Tests.Store;

public sealed class DbCommandTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Migrate_Twice_AppliesOnceThenReportsUpToDate()
    {
        var empty = await fixture.CreateDatabaseAsync("migrate");
        var first = await CliRunner.RunAsync("db", "migrate", "--database", empty);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("applied migration(s) 1", first.Out, StringComparison.Ordinal);

        var second = await CliRunner.RunAsync("db", "migrate", "--database", empty);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains($"schema is up to date at version {MigrationRunner.LatestVersion}", second.Out, StringComparison.Ordinal);

        await using var dataSource = NpgsqlDataSource.Create(empty);
        await using var count = dataSource.CreateCommand("select count(*) from schema_version");
        Assert.Equal((long)MigrationRunner.LatestVersion, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task StoreVerb_DatabaseNone_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("findings", "list", "--database", "none");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--database auto", result.Error, StringComparison.Ordinal);
    }
}

using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PostureScanner.Postgres.Findings;
using PostureScanner.Postgres.Migrations;
using PostureScanner.Testing.Postgres;

namespace PostureScanner.Postgres.Tests;

/// <summary>A migrated database of its own for one test, with a store on a fake clock.</summary>
internal sealed class StoreDatabase : IAsyncDisposable
{
    private StoreDatabase(NpgsqlDataSource dataSource, FakeTimeProvider time, string connectionString)
    {
        DataSource = dataSource;
        Time = time;
        ConnectionString = connectionString;
        Store = new FindingStore(dataSource, time);
    }

    public NpgsqlDataSource DataSource { get; }

    public FakeTimeProvider Time { get; }

    public string ConnectionString { get; }

    public FindingStore Store { get; }

    public static async Task<StoreDatabase> CreateAsync(PostgresFixture fixture)
    {
        var cs = await fixture.CreateDatabaseAsync("s");
        var ds = NpgsqlDataSource.Create(cs);
        await new MigrationRunner(ds).MigrateAsync(CancellationToken.None);
        return new StoreDatabase(ds, new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero)), cs);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>One scan of one scope with these evaluations; time moves one hour first.</summary>
    public async Task<(ScanHandle Scan, ScopeMergeResult Result)> ScanAsync(string target, string scope, IEnumerable<Core.Evaluation.Evaluation> evaluations)
    {
        Time.Advance(TimeSpan.FromHours(1));
        var scan = await Store.BeginScanAsync(target, "controls-v1", CancellationToken.None);
        var result = await Store.MergeScopeAsync(scan, scope, TestInventory.Stream(evaluations), CancellationToken.None);
        await Store.CompleteScanAsync(scan, CancellationToken.None);
        return (scan, result);
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}

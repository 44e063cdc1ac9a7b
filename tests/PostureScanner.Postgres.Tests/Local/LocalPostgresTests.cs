using Npgsql;
using PostureScanner.Postgres.Local;

namespace PostureScanner.Postgres.Tests.Local;

public sealed class LocalPostgresTests
{
    [Fact]
    public void Find_NoBinariesInFolder_FailsWithTheInstallCommand()
    {
        var empty = Directory.CreateTempSubdirectory("posture-nobin-");
        try
        {
            var ex = Assert.Throws<PostgresNotInstalledException>(() => PostgresBinaries.Find(empty.FullName));

            Assert.StartsWith("PostgreSQL server binaries not found: install them with `apt-get install postgresql`", ex.Message);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public async Task StartAsync_SecondRunOnSameFolder_ReusesTheRunningServer()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"posture-pg-reuse-{Guid.NewGuid():N}");
        var notices = new StringWriter();
        var settings = new LocalPostgresSettings { DataDirectory = dir, Database = "reuse", Durable = false, Notices = notices };
        var first = await LocalPostgres.StartAsync(settings, CancellationToken.None);
        try
        {
            var second = await LocalPostgres.StartAsync(settings, CancellationToken.None);

            Assert.Equal(first.Port, second.Port);
            await using var connection = new NpgsqlConnection(second.ConnectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("select current_database()", connection);
            Assert.Equal("reuse", await cmd.ExecuteScalarAsync());
            if (Environment.IsPrivilegedProcess)
            {
                Assert.Contains("runs as the 'postgres' account", notices.ToString());
                Assert.Equal(2, notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }
        }
        finally
        {
            await first.StopAsync(immediate: true, CancellationToken.None);
            Directory.Delete(dir, recursive: true);
        }
    }
}

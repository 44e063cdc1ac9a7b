using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace PostureScanner.Postgres.Migrations;

/// <summary>
/// Applies the embedded migrations in version order, each in its own transaction, under a
/// session-level advisory lock so that replicas starting together apply each one exactly once.
/// Forward-only: a database at a version this build does not know, or whose applied migration
/// text changed, is refused.
/// </summary>
public sealed partial class MigrationRunner
{
    /// <summary>Advisory lock key: "posture" as ASCII, shared by every replica.</summary>
    internal const long LockKey = 0x706f7374757265;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;

    public MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner>? logger = null)
    {
        _dataSource = dataSource;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The migrations embedded in this assembly, by version.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    public static int LatestVersion => Embedded[^1].Version;

    public Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(Embedded, cancellationToken);

    internal async Task<MigrationResult> MigrateAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"select pg_advisory_lock({LockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, """
                create table if not exists schema_version (
                    version     integer primary key,
                    name        text not null,
                    checksum    text not null,
                    applied_at  timestamptz not null default now()
                )
                """, cancellationToken);

            var applied = new Dictionary<int, string>();
            await using (var read = new NpgsqlCommand("select version, checksum from schema_version", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied[reader.GetInt32(0)] = reader.GetString(1);
                }
            }

            var known = migrations.ToDictionary(m => m.Version);
            foreach (var (appliedVersion, checksum) in applied)
            {
                if (!known.TryGetValue(appliedVersion, out var m))
                {
                    throw new InvalidOperationException($"the database is at schema version {applied.Keys.Max()}, newer than this build knows ({migrations[^1].Version}); migrations are forward-only: upgrade posture");
                }

                if (m.Checksum != checksum)
                {
                    throw new InvalidOperationException($"migration {m.Version} ({m.Name}) differs from the one applied to this database; applied migrations must never be edited, add a new one");
                }
            }

            var done = new List<int>();
            foreach (var migration in migrations.Where(m => !applied.ContainsKey(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using (var record = new NpgsqlCommand("insert into schema_version (version, name, checksum) values ($1, $2, $3)", connection, transaction))
                {
                    record.Parameters.AddWithValue(migration.Version);
                    record.Parameters.AddWithValue(migration.Name);
                    record.Parameters.AddWithValue(migration.Checksum);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                Log.MigrationApplied(_logger, migration.Version, migration.Name);
                done.Add(migration.Version);
            }

            var version = applied.Keys.Concat(done).DefaultIfEmpty(0).Max();
            return new MigrationResult(done, version);
        }
        finally
        {
            await ExecuteAsync(connection, null, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    internal static Migration Parse(string fileName, string sql)
    {
        var m = FileName().Match(fileName);
        if (!m.Success)
        {
            throw new InvalidOperationException($"migration '{fileName}' must be named NNNN_name.sql");
        }

        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
        return new Migration(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value, sql, checksum);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(Parse(name["migrations/".Length..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"embedded migrations must be numbered 1..n without gaps; found {migrations[i].Version} at position {i + 1}");
            }
        }

        return migrations;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        // No time limit: a migration that rewrites a table of millions of findings (0005 on a 1M-resource
        // store) runs for minutes, and the default 30 s limit broke the connection halfway. Cancellation
        // still stops it.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}

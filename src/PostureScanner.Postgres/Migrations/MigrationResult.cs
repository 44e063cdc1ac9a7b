namespace PostureScanner.Postgres.Migrations;

/// <summary>What <see cref="MigrationRunner.MigrateAsync(CancellationToken)"/> did: the versions this call applied and the version the database is at.</summary>
public sealed record MigrationResult(IReadOnlyList<int> Applied, int Version);

namespace PostureScanner.Postgres.Migrations;

/// <summary>One embedded, forward-only schema migration (<c>Migrations/0001_initial.sql</c>).</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);

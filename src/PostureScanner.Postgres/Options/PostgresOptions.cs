using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace PostureScanner.Postgres.Options;

/// <summary>
/// The store's database (configuration section <c>Postgres</c>; the CLI maps <c>--database</c> and
/// <c>--data-dir</c> onto it). Without a mode, a connection string means <see cref="PostgresMode.Connection"/>
/// and its absence <see cref="PostgresMode.Auto"/> (DECISIONS 13: the worker defaults to auto).
/// </summary>
public sealed class PostgresOptions : IValidatableObject
{
    public const string SectionName = "Postgres";

    /// <summary>auto, connection or none; null to infer it from <see cref="ConnectionString"/>.</summary>
    [EnumDataType(typeof(PostgresMode))]
    public PostgresMode? Mode { get; set; }

    /// <summary>Npgsql connection string of a real server (mode connection).</summary>
    [MinLength(1)]
    public string? ConnectionString { get; set; }

    /// <summary>Cluster folder of the local server (mode auto); null for <see cref="Local.LocalPostgres.DefaultDataDirectory"/>.</summary>
    [MinLength(1)]
    public string? DataDirectory { get; set; }

    /// <summary>The mode in effect: <see cref="Mode"/>, else connection when a connection string is set, else auto.</summary>
    public PostgresMode EffectiveMode => Mode ?? (string.IsNullOrWhiteSpace(ConnectionString) ? PostgresMode.Auto : PostgresMode.Connection);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var mode = EffectiveMode;
        if (mode == PostgresMode.Connection && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(ConnectionString)} is required when {SectionName}:{nameof(Mode)} is {mode}", [nameof(ConnectionString)]);
        }

        if (mode != PostgresMode.Connection && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(ConnectionString)} is set but {SectionName}:{nameof(Mode)} is {mode}; remove one of them", [nameof(ConnectionString), nameof(Mode)]);
        }

        if (!string.IsNullOrWhiteSpace(ConnectionString) && ConnectionStringError(ConnectionString) is { } error)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(ConnectionString)} is not a valid PostgreSQL connection string: {error}", [nameof(ConnectionString)]);
        }
    }

    /// <summary>Why <paramref name="connectionString"/> is not a usable Npgsql connection string, or null when it is.</summary>
    public static string? ConnectionStringError(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host" : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            return ex.Message;
        }
    }
}

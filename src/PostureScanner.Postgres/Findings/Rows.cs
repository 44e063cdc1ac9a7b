namespace PostureScanner.Postgres.Findings;

/// <summary>Column conversions for Dapper's dynamic rows (Npgsql reads timestamptz as UTC <see cref="DateTime"/>).</summary>
internal static class Rows
{
    public static DateTimeOffset Time(object? value) => value switch
    {
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        _ => throw new InvalidCastException($"expected a timestamp, got {value?.GetType().Name ?? "null"}"),
    };

    public static DateTimeOffset? OptionalTime(object? value) => value is null or DBNull ? null : Time(value);

    public static string? OptionalString(object? value) => value is null or DBNull ? null : (string)value;
}

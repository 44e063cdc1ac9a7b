using Microsoft.Extensions.Options;

namespace PostureScanner.Postgres.Options;

/// <summary>Source-generated (reflection-free) validation of <see cref="PostgresOptions"/>: DataAnnotations plus <see cref="PostgresOptions.Validate"/>.</summary>
[OptionsValidator]
public sealed partial class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
}

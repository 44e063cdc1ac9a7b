using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PostureScanner.Postgres.Options;

namespace PostureScanner.Postgres;

/// <summary>DI registration of the store for the worker host (the only composition root is the Worker's Program.cs).</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PostgresOptions"/> from the <c>Postgres</c> section and validates them when the host
    /// starts (a bad value stops it with a message naming the key). The host opens the database with
    /// <see cref="PostgresDatabase.OpenAsync"/>, which starts the local server in auto mode and applies migrations.
    /// </summary>
    public static IServiceCollection AddPostureScannerPostgres(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PostgresOptions>()
            .BindConfiguration(PostgresOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}

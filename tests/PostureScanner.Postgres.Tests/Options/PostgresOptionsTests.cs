using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PostureScanner.Postgres.Options;

namespace PostureScanner.Postgres.Tests.Options;

/// <summary>AddPostureScannerPostgres validates the Postgres section when the host starts (CONVENTIONS §3.9).</summary>
public sealed class PostgresOptionsTests
{
    [Fact]
    public async Task StartHost_ConnectionModeWithoutConnectionString_FailsNamingTheKey()
    {
        using var host = CreateHost(new() { ["Postgres:Mode"] = "Connection" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Postgres:ConnectionString is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartHost_MalformedConnectionString_FailsNamingTheKey()
    {
        using var host = CreateHost(new() { ["Postgres:ConnectionString"] = "Host=db;Port=not-a-number" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Postgres:ConnectionString is not a valid PostgreSQL connection string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartHost_UnknownMode_FailsNamingTheKey()
    {
        using var host = CreateHost(new() { ["Postgres:Mode"] = "sometimes" });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("Postgres:Mode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartHost_ConnectionStringOnly_InfersConnectionMode()
    {
        using var host = CreateHost(new() { ["Postgres:ConnectionString"] = "Host=db.internal;Username=posture;Database=posture" });
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<PostgresOptions>>().Value;
        Assert.Equal(PostgresMode.Connection, options.EffectiveMode);
        await host.StopAsync();
    }

    [Fact]
    public async Task StartHost_EmptySection_DefaultsToAuto()
    {
        using var host = CreateHost([]);
        await host.StartAsync();
        Assert.Equal(PostgresMode.Auto, host.Services.GetRequiredService<IOptions<PostgresOptions>>().Value.EffectiveMode);
        await host.StopAsync();
    }

    private static IHost CreateHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPostureScannerPostgres();
        return builder.Build();
    }
}

using PostureScanner.Testing.Postgres;
using PostureScanner.Worker.Tests.Cli;

namespace PostureScanner.Worker.Tests.Store;

public sealed class SuppressCommandTests : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("posture-suppress-");
    private readonly StoreCli _cli;

    public SuppressCommandTests(PostgresFixture fixture)
    {
        _cli = new StoreCli(fixture.ConnectionString);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Add_AfterTheFindingExists_SuppressesItRetroactivelyUntilRemoved()
    {
        await StorageAccounts.WriteAsync(_dir.FullName, "accepted", compliant: false);
        Assert.Equal(0, (await _cli.RunAsync("scan", "--snapshot", _dir.FullName, "--target", "suppress")).ExitCode);
        var fingerprint = Assert.Single(await _cli.FindingsAsync("suppress", "--status", "open")).GetProperty("fingerprint").GetString()!;

        var add = await _cli.RunAsync("suppress", "add", "--fingerprint", fingerprint, "--reason", "legacy account, migrating in Q3", "--owner", "secops", "--expires", "30d");
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("covers 1 finding", add.Out, StringComparison.Ordinal);

        var suppressed = Assert.Single(await _cli.FindingsAsync("suppress", "--status", "suppressed"));
        Assert.Equal(fingerprint, suppressed.GetProperty("fingerprint").GetString());
        Assert.Empty(await _cli.FindingsAsync("suppress", "--status", "open"));
        var list = await _cli.RunAsync("suppress", "list");
        Assert.Contains("legacy account, migrating in Q3", list.Out, StringComparison.Ordinal);

        var id = suppressed.GetProperty("suppressionId").GetInt64();
        var remove = await _cli.RunAsync("suppress", "remove", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(remove.ExitCode == 0, remove.Error);
        Assert.Single(await _cli.FindingsAsync("suppress", "--status", "open"));
    }

    [Theory]
    [InlineData("--owner", "secops", "--expires", "30d")]
    [InlineData("--reason", "why", "--owner", "secops")]
    public async Task Add_WithoutReasonOrExpiry_ExitsTwoNamingTheOption(params string[] args)
    {
        var result = await CliRunner.RunAsync(["suppress", "add", "--control", StorageAccounts.Control, .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(args.Contains("--reason") ? "--expires" : "--reason", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_ExpiryInThePast_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("suppress", "add", "--control", StorageAccounts.Control, "--reason", "r", "--owner", "o", "--expires", "2020-01-01");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("in the past", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_NoSelector_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("suppress", "add", "--reason", "r", "--owner", "o", "--expires", "30d");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--control", result.Error, StringComparison.Ordinal);
    }
}

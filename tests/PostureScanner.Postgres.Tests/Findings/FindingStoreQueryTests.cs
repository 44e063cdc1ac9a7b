using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;
using PostureScanner.Testing.Postgres;
using static PostureScanner.Postgres.Tests.TestInventory;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class FindingStoreQueryTests : IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _fixture;

    public FindingStoreQueryTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetFinding_ByFingerprintInEitherCase_FoundThroughItsKey_AndAnythingElseIsNotFound(bool upperCase)
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await db.ScanAsync("acme", "aws-1", Evaluate(Bucket("a", encrypted: false)));
        var fingerprint = Fingerprint(EncryptedControl, Bucket("a"));

        var found = await db.Store.GetFindingAsync(upperCase ? fingerprint.ToUpperInvariant() : fingerprint, CancellationToken.None);
        Assert.Equal(fingerprint, found!.Finding.Fingerprint);

        // Same 128-bit key, other text: the whole fingerprint must match, not only the indexed key.
        Assert.Null(await db.Store.GetFindingAsync(fingerprint[..32] + new string('0', 32), CancellationToken.None));
        Assert.Null(await db.Store.GetFindingAsync(fingerprint[..63], CancellationToken.None));
        Assert.Null(await db.Store.GetFindingAsync("not-a-fingerprint-" + new string('z', 46), CancellationToken.None));
    }

    [Fact]
    public async Task ListFindings_NistInDisplayOrCatalogForm_ProviderAndSeverity_Filter()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await db.ScanAsync("acme", "aws-1", Evaluate(Bucket("a", encrypted: false, isPublic: true), Bucket("b")));
        await db.ScanAsync("contoso", "sub-1", Evaluate(Bucket("z", encrypted: false, provider: Provider.Azure)));

        var byDisplay = await db.Store.ListFindingsAsync(new FindingFilter { Nist = "SC-28(1)" }, CancellationToken.None);
        var byCatalog = await db.Store.ListFindingsAsync(new FindingFilter { Nist = "ac-3", State = FindingState.Open }, CancellationToken.None);
        var azureHigh = await db.Store.ListFindingsAsync(new FindingFilter { Provider = Provider.Azure, Severity = Severity.High }, CancellationToken.None);
        var acme = await db.Store.ListFindingsAsync(new FindingFilter { Target = "acme", Limit = 3 }, CancellationToken.None);

        Assert.Equal(3, byDisplay.Count);
        Assert.All(byDisplay, f => Assert.Equal(EncryptedControl, f.ControlId));
        Assert.Equal([Fingerprint(PrivateControl, Bucket("a"))], byCatalog.Select(f => f.Fingerprint));
        Assert.Equal([Fingerprint(EncryptedControl, Bucket("z", provider: Provider.Azure))], azureHigh.Select(f => f.Fingerprint));
        Assert.Equal(3, acme.Count);
        Assert.Equal(Severity.High, acme[0].Severity);
    }

    [Fact]
    public async Task NistRollup_CountsCurrentEvaluationsPerControlAndProvider()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await db.ScanAsync("acme", "aws-1", Evaluate(Bucket("a", encrypted: false), Bucket("b"), Bucket("c", encrypted: null)));
        await db.ScanAsync("contoso", "sub-1", Evaluate(Bucket("z", isPublic: true, provider: Provider.Azure)));

        var rollup = await db.Store.NistRollupAsync(CancellationToken.None);

        Assert.Equal(
            ["ac-3/aws 3-0-0", "ac-3/azure 0-1-0", "sc-28.1/aws 1-1-1", "sc-28.1/azure 1-0-0", "sc-28/aws 1-1-1", "sc-28/azure 1-0-0"],
            rollup.Select(r => $"{r.NistId}/{r.Provider.ToName()} {r.Pass}-{r.Fail}-{r.Unknown}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListScans_NewestFirstWithScopeCounts()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var (first, _) = await db.ScanAsync("acme", "aws-1", Evaluate(Bucket("a", encrypted: false)));
        var (second, _) = await db.ScanAsync("acme", "aws-1", Evaluate(Bucket("a"), Bucket("b")));

        var scans = await db.Store.ListScansAsync(10, CancellationToken.None);

        Assert.Equal([second.ScanId, first.ScanId], scans.Select(s => s.Id));
        var scope = Assert.Single(scans[0].Scopes);
        Assert.Equal(("aws-1", ScopeStatus.Completed, 4, 2, 2, 1, 1), (scope.Scope, scope.Status, scope.Evaluations, scope.Resources, scope.Inserted, scope.Changed, scope.Resolved));
        Assert.Equal((ScanStatus.Completed, "controls-v1"), (scans[0].Status, scans[0].ControlSetHash));
    }

    [Fact]
    public async Task Diff_SeverityRaisedByPolicy_IsListedAsSeverityChanged()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var (from, _) = await db.ScanAsync("acme", "aws-1", Evaluate(Bucket("a", encrypted: false)));
        var (to, _) = await db.ScanAsync("acme", "aws-1", Evaluate([Bucket("a", encrypted: false)], Severity.Critical));

        var diff = await db.Store.DiffAsync(from.ScanId, to.ScanId, CancellationToken.None);

        var changed = Assert.Single(diff.SeverityChanged);
        Assert.Equal((Severity.Critical, Severity.High), (changed.Severity, changed.PreviousSeverity!.Value));
        Assert.Empty(diff.New);
    }
}

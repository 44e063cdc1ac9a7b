using PostureScanner.Postgres.Findings;
using PostureScanner.Testing.Postgres;
using static PostureScanner.Postgres.Tests.TestInventory;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class FindingStoreSuppressionTests : IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _fixture;

    public FindingStoreSuppressionTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task AddSuppression_AfterTheFinding_AppliesRetroactivelyToNewFindingsAndExpiryReopens()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var sup1 = Bucket("sup-1", encrypted: false);
        var other = Bucket("other-1", encrypted: false);
        await db.ScanAsync("acme", "scope-a", Evaluate(sup1, other));
        var expires = db.Time.GetUtcNow().AddDays(1);

        var added = await db.Store.AddSuppressionAsync(new SuppressionRequest
        {
            ControlId = EncryptedControl,
            ResourcePattern = "arn:aws:s3:::sup-*",
            Reason = "legacy buckets, migration ticket SEC-42",
            Owner = "alice@example.com",
            ExpiresAt = expires,
        }, CancellationToken.None);

        Assert.Equal((1, true), (added.Findings, added.Active));
        var suppressed = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, sup1), CancellationToken.None))!;
        Assert.Equal((FindingState.Suppressed, added.Id), (suppressed.Finding.State, suppressed.Finding.SuppressionId));
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.Suppressed], suppressed.History.Select(e => e.Kind));
        Assert.Equal(FindingState.Open, (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, other), CancellationToken.None))!.Finding.State);

        // A later scan finds a new matching bucket: suppressed from the start, no notification.
        var sup2 = Bucket("sup-2", encrypted: false);
        var (scan2, result) = await db.ScanAsync("acme", "scope-a", Evaluate(sup1, other, sup2));
        Assert.Equal((2, 1, 0), (result.Inserted, result.Events, result.OutboxRows));
        Assert.Equal(FindingState.Suppressed, (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, sup2), CancellationToken.None))!.Finding.State);
        Assert.Equal(0L, await db.ScalarAsync<long>($"select count(*) from notification_outbox where scan_id = {scan2.ScanId}"));

        db.Time.Advance(TimeSpan.FromDays(2));
        var open = await db.Store.ListFindingsAsync(new FindingFilter { State = FindingState.Open }, CancellationToken.None);

        Assert.Equal(
            new[] { Fingerprint(EncryptedControl, other), Fingerprint(EncryptedControl, sup1), Fingerprint(EncryptedControl, sup2) }.Order(),
            open.Select(f => f.Fingerprint).Order());
        var expired = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, sup1), CancellationToken.None))!;
        var last = expired.History[^1];
        Assert.Equal((FindingEventKind.SuppressionExpired, expires, added.Id), (last.Kind, last.At, last.SuppressionId));
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from notification_outbox where kind = 'suppression_expired'"));
        Assert.Empty(await db.Store.ListSuppressionsAsync(includeInactive: false, CancellationToken.None));
        var all = Assert.Single(await db.Store.ListSuppressionsAsync(includeInactive: true, CancellationToken.None));
        Assert.Equal((false, 0, "alice@example.com"), (all.Active, all.Findings, all.Owner));

        // Expiry is processed once: asking again writes nothing.
        Assert.Equal(0, await db.Store.ExpireSuppressionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RemoveSuppression_ByTag_ReleasesItsFindingsWithAnEvent()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var tagged = Bucket("tagged", isPublic: true, tags: new Dictionary<string, string> { ["exposure"] = "public-website" });
        await db.ScanAsync("acme", "scope-a", Evaluate(tagged, Bucket("plain", isPublic: true)));
        var added = await db.Store.AddSuppressionAsync(new SuppressionRequest
        {
            TagKey = "exposure",
            TagValue = "public-website",
            Reason = "static site",
            Owner = "web-team",
        }, CancellationToken.None);
        Assert.Equal(2, added.Findings);
        Assert.Single(await db.Store.ListFindingsAsync(new FindingFilter { State = FindingState.Suppressed }, CancellationToken.None));

        Assert.True(await db.Store.RemoveSuppressionAsync(added.Id, CancellationToken.None));
        Assert.False(await db.Store.RemoveSuppressionAsync(added.Id, CancellationToken.None));

        var detail = (await db.Store.GetFindingAsync(Fingerprint(PrivateControl, tagged), CancellationToken.None))!;
        Assert.Equal(FindingState.Open, detail.Finding.State);
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.Suppressed, FindingEventKind.Unsuppressed], detail.History.Select(e => e.Kind));
    }

    [Fact]
    public async Task AddSuppression_WithoutSelector_IsRejected()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);

        await Assert.ThrowsAsync<ArgumentException>(() => db.Store.AddSuppressionAsync(
            new SuppressionRequest { Reason = "r", Owner = "o" }, CancellationToken.None));
    }
}

using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;
using PostureScanner.Testing.Postgres;
using static PostureScanner.Postgres.Tests.TestInventory;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class FindingStoreLifecycleTests : IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _fixture;

    public FindingStoreLifecycleTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task MergeScope_FirstScan_OpensOnlyFailuresAndWritesOneBaselineDigest()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var ok = Bucket("ok");
        var bad = Bucket("bad", encrypted: false);
        var unknown = Bucket("unknown", encrypted: null);

        var (_, result) = await db.ScanAsync("acme", "scope-a", Evaluate(ok, bad, unknown));

        Assert.Equal(ScopeStatus.Completed, result.Status);
        Assert.Equal((6, 0, 1, true, 1), (result.Inserted, result.Changed, result.Events, result.Baseline, result.OutboxRows));
        Assert.Equal("opened", await db.ScalarAsync<string>("select string_agg(kind, ',') from finding_events"));
        Assert.Equal(Fingerprint(EncryptedControl, bad), await db.ScalarAsync<string>("select f.fingerprint from finding_events e join findings f on f.id = e.finding_id"));
        Assert.Equal("baseline:1", await db.ScalarAsync<string>("select string_agg(kind || ':' || (payload->>'open'), ',') from notification_outbox"));
        var open = await db.Store.ListFindingsAsync(new FindingFilter { State = FindingState.Open }, CancellationToken.None);
        Assert.Equal([Fingerprint(EncryptedControl, bad)], open.Select(f => f.Fingerprint));
        Assert.Equal(Severity.High, open[0].Severity);
        Assert.Equal(["sc-28", "sc-28.1"], open[0].Nist);
        Assert.False((bool)open[0].Evidence["encrypted"]!);
        var unknowns = await db.Store.ListFindingsAsync(new FindingFilter { State = FindingState.Unknown }, CancellationToken.None);
        Assert.Equal([Fingerprint(EncryptedControl, unknown)], unknowns.Select(f => f.Fingerprint));
    }

    [Fact]
    public async Task MergeScope_FailPassFail_OpensResolvesAndReopensWithHistoryDiffAndAsOf()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var fp = Fingerprint(EncryptedControl, Bucket("b"));

        var (scan1, _) = await db.ScanAsync("acme", "scope-a", Evaluate(Bucket("b", encrypted: false)));
        var afterScan1 = db.Time.GetUtcNow();
        var (scan2, second) = await db.ScanAsync("acme", "scope-a", Evaluate(Bucket("b", encrypted: true)));
        var afterScan2 = db.Time.GetUtcNow();
        var resolved = (await db.Store.GetFindingAsync(fp, CancellationToken.None))!.Finding;
        var (scan3, third) = await db.ScanAsync("acme", "scope-a", Evaluate(Bucket("b", encrypted: false)));

        Assert.Equal((1, 1, 1), (second.Changed, second.Resolved, second.OutboxRows));
        Assert.Equal((FindingState.Resolved, "passed", afterScan2), (resolved.State, resolved.Resolution, resolved.ResolvedAt));
        Assert.Equal((1, 1), (third.Changed, third.OutboxRows));
        var detail = (await db.Store.GetFindingAsync(fp, CancellationToken.None))!;
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.Resolved, FindingEventKind.Reopened], detail.History.Select(e => e.Kind));
        Assert.Equal([scan1.ScanId, scan2.ScanId, scan3.ScanId], detail.History.Select(e => e.ScanId!.Value));
        Assert.Equal((FindingState.Open, 1, (DateTimeOffset?)null), (detail.Finding.State, detail.Finding.ReopenedCount, detail.Finding.ResolvedAt));
        Assert.Equal(afterScan1, detail.Finding.FirstSeen);
        Assert.Equal(db.Time.GetUtcNow(), detail.Finding.LastSeen);
        Assert.Equal(["reopened", "resolved"], await OutboxKindsAsync(db, "where kind <> 'baseline'"));

        var diff12 = await db.Store.DiffAsync(scan1.ScanId, scan2.ScanId, CancellationToken.None);
        Assert.Equal([fp], diff12.Resolved.Select(e => e.Fingerprint));
        Assert.Empty(diff12.New);
        var diffLatest = await db.Store.DiffAsync(null, null, CancellationToken.None);
        Assert.Equal((scan2.ScanId, scan3.ScanId), (diffLatest.FromScanId!.Value, diffLatest.ToScanId));
        Assert.Equal([fp], diffLatest.Reopened.Select(e => e.Fingerprint));

        var atScan1 = Assert.Single(await db.Store.FindingsAsOfAsync(afterScan1.AddMinutes(30), CancellationToken.None), f => f.Fingerprint == fp);
        Assert.Equal((EvaluationStatus.Fail, FindingState.Open), (atScan1.Status, atScan1.State));
        var atScan2 = Assert.Single(await db.Store.FindingsAsOfAsync(afterScan2.AddMinutes(30), CancellationToken.None), f => f.Fingerprint == fp);
        Assert.Equal((EvaluationStatus.Pass, FindingState.Resolved), (atScan2.Status, atScan2.State));
        Assert.Empty(await db.Store.FindingsAsOfAsync(afterScan1.AddMinutes(-30), CancellationToken.None));
    }

    [Fact]
    public async Task MergeScope_ReadFailsMidway_ResolvesNothingAndRecordsTheScopeAsFailed()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var before = Evaluate(Bucket("a", encrypted: false), Bucket("b", isPublic: true));
        await db.ScanAsync("acme", "scope-a", before);
        var events = await db.ScalarAsync<long>("select count(*) from finding_events");

        db.Time.Advance(TimeSpan.FromHours(1));
        var scan = await db.Store.BeginScanAsync("acme", "controls-v1", CancellationToken.None);
        var result = await db.Store.MergeScopeAsync(scan, "scope-a", Throwing(Evaluate(Bucket("a")).Take(1), "AccessDenied: not authorized to perform config:SelectResourceConfig"), CancellationToken.None);
        var status = await db.Store.CompleteScanAsync(scan, CancellationToken.None);

        Assert.Equal(ScopeStatus.Failed, result.Status);
        Assert.Contains("AccessDenied", result.Reason);
        Assert.Equal(ScanStatus.Failed, status);
        Assert.Equal(events, await db.ScalarAsync<long>("select count(*) from finding_events"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from findings where missing_since is not null or resolved_at is not null"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null"));
        Assert.Equal(2, (await db.Store.ListFindingsAsync(new FindingFilter { State = FindingState.Open }, CancellationToken.None)).Count);
        var listed = (await db.Store.ListScansAsync(10, CancellationToken.None))[0];
        Assert.Equal((scan.ScanId, ScanStatus.Failed), (listed.Id, listed.Status));
        var scope = Assert.Single(listed.Scopes);
        Assert.Equal((ScopeStatus.Failed, true), (scope.Status, scope.Reason!.Contains("config:SelectResourceConfig", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FailScope_OneScopeFailsOneCompletes_ScanIsPartialAndFailedScopeKeepsItsFindings()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await db.ScanAsync("acme", "scope-a", Evaluate(Bucket("a", encrypted: false)));

        var scan = await db.Store.BeginScanAsync("acme", "controls-v1", CancellationToken.None);
        await db.Store.FailScopeAsync(scan, "scope-a", "throttled after 5 retries", CancellationToken.None);
        await db.Store.MergeScopeAsync(scan, "scope-b", Stream(Evaluate(Bucket("z"))), CancellationToken.None);
        var status = await db.Store.CompleteScanAsync(scan, CancellationToken.None);

        Assert.Equal(ScanStatus.Partial, status);
        var open = Assert.Single(await db.Store.ListFindingsAsync(new FindingFilter { State = FindingState.Open }, CancellationToken.None));
        Assert.Equal(("scope-a", (DateTimeOffset?)null), (open.Scope, open.MissingSince));
    }

    [Fact]
    public async Task MergeScope_ResourceDeleted_ResolvesItsFindingsAndReopensWhenItReturns()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var gone = Bucket("gone", encrypted: false);
        await db.ScanAsync("acme", "scope-a", Evaluate(gone, Bucket("stays", encrypted: false)));
        var lastSeen = db.Time.GetUtcNow();

        var (_, result) = await db.ScanAsync("acme", "scope-a", Evaluate(Bucket("stays", encrypted: false)));

        Assert.Equal((2, 1, 0, 1), (result.Missing, result.Resolved, result.Changed, result.OutboxRows));
        var failing = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, gone), CancellationToken.None))!;
        Assert.Equal((FindingState.Resolved, "resource_deleted"), (failing.Finding.State, failing.Finding.Resolution));
        Assert.Equal(lastSeen, failing.Finding.LastSeen);
        var passing = (await db.Store.GetFindingAsync(Fingerprint(PrivateControl, gone), CancellationToken.None))!;
        Assert.Equal((FindingState.Pass, db.Time.GetUtcNow()), (passing.Finding.State, passing.Finding.MissingSince));
        Assert.Empty(passing.History);
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null and name = 'gone'"));

        var (_, back) = await db.ScanAsync("acme", "scope-a", Evaluate(gone, Bucket("stays", encrypted: false)));

        Assert.Equal(2, back.Changed);
        var reopened = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, gone), CancellationToken.None))!;
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.Resolved, FindingEventKind.Reopened], reopened.History.Select(e => e.Kind));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null"));
    }

    [Fact]
    public async Task MergeScope_ResourceMovesToAnotherScope_KeepsItsFindingsAndTheOldScopeResolvesNothing()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var mover = Bucket("mover", encrypted: false);
        await db.ScanAsync("acme", "scope-a", Evaluate(mover, Bucket("stays", encrypted: false)));
        var before = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, mover), CancellationToken.None))!;

        var (_, moved) = await db.ScanAsync("acme", "scope-b", Evaluate(mover));
        var (_, left) = await db.ScanAsync("acme", "scope-a", Evaluate(Bucket("stays", encrypted: false)));

        Assert.Equal((0, 2), (moved.Inserted, moved.Changed));
        Assert.Equal((0, 0, 0), (left.Missing, left.Resolved, left.Changed));
        var after = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, mover), CancellationToken.None))!;
        Assert.Equal((before.Finding.FirstSeen, FindingState.Open, "scope-b"), (after.Finding.FirstSeen, after.Finding.State, after.Finding.Scope));
        Assert.Equal(4L, await db.ScalarAsync<long>("select count(*) from findings"));
        Assert.Equal([FindingEventKind.Opened], after.History.Select(e => e.Kind));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null"));
    }

    [Fact]
    public async Task MergeScope_SameSnapshotTwice_WritesNoRowsAndOneChangeWritesOnlyItsRows()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var buckets = Enumerable.Range(0, 50).Select(i => Bucket($"b{i:D2}", encrypted: i % 5 != 0)).ToList();
        await db.ScanAsync("acme", "scope-a", Evaluate(buckets));

        var mark = await db.ScalarAsync<long>("select txid_current()");
        var (_, again) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));

        Assert.Equal((0, 0, 0, 100, 0, 0), (again.Inserted, again.Changed, again.Missing, again.Unchanged, again.Events, again.OutboxRows));
        Assert.Equal(0L, await RowsWrittenSinceAsync(db, mark, "findings", "resources", "finding_events", "notification_outbox"));

        mark = await db.ScalarAsync<long>("select txid_current()");
        buckets[7] = Bucket("b07", encrypted: false);
        var (_, changed) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));

        Assert.Equal((0, 1, 99, 1, 1), (changed.Inserted, changed.Changed, changed.Unchanged, changed.Events, changed.OutboxRows));
        Assert.Equal(1L, await RowsWrittenSinceAsync(db, mark, "findings"));
        Assert.Equal(1L, await RowsWrittenSinceAsync(db, mark, "resources"));
    }

    [Fact]
    public async Task MergeScope_SecondScan_OutboxRowsExistExactlyForTheTransitions()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        // 10 buckets, 0..3 unencrypted; 9 public.
        var first = Enumerable.Range(0, 10).Select(i => Bucket($"o{i}", encrypted: i >= 4, isPublic: i == 9)).ToList();
        await db.ScanAsync("acme", "scope-a", Evaluate(first));
        Assert.Equal(5L, await db.ScalarAsync<long>("select count(*) from finding_events where kind = 'opened'"));
        Assert.Equal(["baseline"], await OutboxKindsAsync(db, ""));

        // Fix 0 and 1, break 5 and 6, delete 2 (failing) and 8 (passing), add n1 failing both controls.
        var second = first.Where(b => b.Name is not "o2" and not "o8")
            .Select(b => b.Name switch
            {
                "o0" or "o1" => Bucket(b.Name),
                "o5" or "o6" => Bucket(b.Name, encrypted: false),
                _ => b,
            })
            .Append(Bucket("n1", encrypted: false, isPublic: true)).ToList();
        var (scan2, result) = await db.ScanAsync("acme", "scope-a", Evaluate(second));

        // resolved: o0, o1 (passed), o2 (deleted); opened: o5, o6, n1 x2.
        Assert.Equal((3, 7, 7), (result.Resolved, result.Events, result.OutboxRows));
        Assert.Equal((2, 4, 4), (result.Inserted, result.Changed, result.Missing));
        var pairs = await db.ScalarAsync<string>($"""
            select string_agg(e.kind || '=' || coalesce(o.kind, 'none'), ',' order by e.kind, o.id)
            from finding_events e left join notification_outbox o on o.event_id = e.id
            where e.scan_id = {scan2.ScanId}
            """);
        Assert.Equal("opened=opened,opened=opened,opened=opened,opened=opened,resolved=resolved,resolved=resolved,resolved=resolved", pairs);
        Assert.Equal(0L, await db.ScalarAsync<long>($"select count(*) from notification_outbox where scan_id = {scan2.ScanId} and event_id is null"));
    }

    [Fact]
    public async Task MergeScope_AzureIdsDifferingInCase_AreOneFinding()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await db.ScanAsync("contoso", "sub-1", Evaluate(Bucket("Store1", provider: Provider.Azure)));

        var (_, result) = await db.ScanAsync("contoso", "sub-1", Evaluate(Bucket("STORE1", provider: Provider.Azure)));

        Assert.Equal((0, 0), (result.Inserted, result.Missing));
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from findings"));
    }

    private static async Task<long> RowsWrittenSinceAsync(StoreDatabase db, long txid, params string[] tables)
    {
        long total = 0;
        foreach (var table in tables)
        {
            // xmin is the 32-bit id of the transaction that wrote the row version; a fresh cluster has epoch 0.
            total += await db.ScalarAsync<long>($"select count(*) from {table} where xmin::text::bigint > {txid}");
        }

        return total;
    }

    private static async Task<List<string>> OutboxKindsAsync(StoreDatabase db, string where)
    {
        var kinds = await db.ScalarAsync<string>($"select string_agg(kind, ',' order by kind) from notification_outbox {where}");
        return [.. kinds.Split(',')];
    }

    private static async IAsyncEnumerable<Evaluation> Throwing(IEnumerable<Evaluation> first, string message)
    {
        foreach (var e in first)
        {
            yield return e;
        }

        await Task.Yield();
        throw new InvalidOperationException(message);
    }
}

using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Postgres.Findings;
using PostureScanner.Testing.Postgres;
using static PostureScanner.Postgres.Tests.TestInventory;

namespace PostureScanner.Postgres.Tests.Findings;

/// <summary>Re-scans: unchanged resources staged as ids only, moves between scopes of one scan, merges side by side.</summary>
public sealed class FindingStoreRescanTests : IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _fixture;

    public FindingStoreRescanTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task MergeScope_UnchangedResourcesStageOnlyTheirIds_ChangedAndAbsentOnesAreStillMerged()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var buckets = Enumerable.Range(0, 50).Select(i => Bucket($"b{i:D2}", encrypted: i % 5 != 0)).ToList();
        var (_, first) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));
        Assert.Equal(0, first.UnchangedResources);

        buckets[7] = Bucket("b07", encrypted: false);
        var gone = buckets[10];
        buckets.RemoveAt(10);
        var (_, again) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));

        Assert.Equal((48, 49, 98), (again.UnchangedResources, again.Resources, again.Evaluations));
        Assert.Equal((0, 1, 2, 1), (again.Inserted, again.Changed, again.Missing, again.Resolved));
        var deleted = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, gone), CancellationToken.None))!;
        Assert.Equal((FindingState.Resolved, "resource_deleted"), (deleted.Finding.State, deleted.Finding.Resolution));
        var reopened = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, buckets[7]), CancellationToken.None))!;
        Assert.Equal(FindingState.Open, reopened.Finding.State);
        Assert.Equal(1L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null"));

        // Nothing moved since: every resource is unchanged, and no row at all is written.
        var (_, third) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));
        Assert.Equal((49, 0, 0, 0), (third.UnchangedResources, third.Inserted, third.Changed, third.Missing));
    }

    [Fact]
    public async Task MergeScope_OneRecordThatIsTwoResources_StoresTheFindingsOfBoth()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var bucket = Bucket("shared", encrypted: false, isPublic: true);

        var (_, first) = await db.ScanAsync("acme", "scope-a", Evaluate(bucket, BindingOf(bucket)));
        var (_, again) = await db.ScanAsync("acme", "scope-a", Evaluate(bucket, BindingOf(bucket)));

        Assert.Equal((3, 2, 3), (first.Inserted, first.Resources, first.Evaluations));
        Assert.Equal(2L, await db.ScalarAsync<long>("select count(*) from resources"));
        var binding = (await db.Store.GetFindingAsync(Fingerprint(BindingControl, bucket), CancellationToken.None))!;
        Assert.Equal((FindingState.Open, "iam.binding"), (binding.Finding.State, binding.Finding.ResourceType));
        Assert.Equal((2, 0, 0), (again.UnchangedResources, again.Changed, again.Missing));
    }

    [Fact]
    public async Task MergeScope_SameRecordButAnEvaluationChanged_IsStagedInFull()
    {
        // A policy that raises a severity (or a clock that ages a key past its limit) changes a finding
        // without changing the record: the digest covers evaluations, so the resource is not skipped.
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var bucket = Bucket("a", encrypted: false);
        await db.ScanAsync("acme", "scope-a", Evaluate([bucket]));

        var (_, raised) = await db.ScanAsync("acme", "scope-a", Evaluate([bucket], Severity.Critical));

        Assert.Equal((0, 1, 0), (raised.UnchangedResources, raised.Changed, raised.Inserted));
        var finding = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, bucket), CancellationToken.None))!;
        Assert.Equal(Severity.Critical, finding.Finding.Severity);
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.SeverityChanged], finding.History.Select(e => e.Kind));
    }

    [Fact]
    public async Task MergeScope_RowsStoredWithoutADigest_AreStagedOnceThenSkipped()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var buckets = Enumerable.Range(0, 5).Select(i => Bucket($"b{i}", encrypted: i != 0)).ToList();
        await db.ScanAsync("acme", "scope-a", Evaluate(buckets));
        await db.ScalarAsync<int>("update resources set evaluation_digest = null; select 0"); // as migration 0003 finds them

        var (_, upgraded) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));
        var (_, after) = await db.ScanAsync("acme", "scope-a", Evaluate(buckets));

        Assert.Equal((0, 0, 0), (upgraded.UnchangedResources, upgraded.Changed, upgraded.Inserted));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from resources where evaluation_digest is null"));
        Assert.Equal(5, after.UnchangedResources);
    }

    [Fact]
    public async Task ResolveMoves_ResourceMovesAndNowPasses_OldScopeMergedFirst_IsPassedNotDeleted()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var mover = Bucket("mover", encrypted: false);
        await db.ScanAsync("acme", "scope-b", Evaluate(mover, Bucket("stays", encrypted: false)));

        // One scan reads both scopes: the mover is now in scope-a, and encrypted.
        db.Time.Advance(TimeSpan.FromHours(1));
        var scan = await db.Store.BeginScanAsync("acme", "controls-v1", CancellationToken.None);
        var (a, rowsA) = await StageAsync(db, scan, "scope-a", Evaluate(Bucket("mover", encrypted: true)));
        var (b, rowsB) = await StageAsync(db, scan, "scope-b", Evaluate(Bucket("stays", encrypted: false)));
        EvaluationStager.ResolveMoves([a, b]);
        Assert.Single(b.MovedOutResourceIds);

        // The old scope first: before, it deleted the mover and resolved its finding as "resource_deleted".
        var left = await db.Store.MergeScopeAsync(scan, "scope-b", b, Batches(rowsB), CancellationToken.None);
        var arrived = await db.Store.MergeScopeAsync(scan, "scope-a", a, Batches(rowsA), CancellationToken.None);

        Assert.Equal((0, 0), (left.Missing, left.Resolved));
        Assert.Equal((0, 2, 1), (arrived.Inserted, arrived.Changed, arrived.Resolved));
        var finding = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, mover), CancellationToken.None))!;
        Assert.Equal((FindingState.Resolved, "passed", "scope-a"), (finding.Finding.State, finding.Finding.Resolution, finding.Finding.Scope));
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.Resolved], finding.History.Select(e => e.Kind));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null"));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task ResolveMoves_MovedResourceNoLongerEvaluatedByAControl_IsResolvedInTheScanThatSawTheMove(bool newScopeFirst, bool controlGoneEverywhere)
    {
        // Before, the old scope kept the finding of a moved resource that the new scope no longer produced,
        // and resolved it one scan later: a re-scan of the very same inventory then wrote rows.
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var mover = Bucket("mover", encrypted: false, isPublic: true);
        var stays = Bucket("stays", encrypted: false);
        await db.ScanAsync("acme", "scope-b", Evaluate(mover, stays));
        List<Evaluation> Without(IEnumerable<Evaluation> evaluations, bool always) =>
            [.. evaluations.Where(e => e.Control.Definition.Id != EncryptedControl || (!always && e.Resource != mover))];

        async Task<(ScopeMergeResult Old, ScopeMergeResult New)> ScanBothAsync()
        {
            db.Time.Advance(TimeSpan.FromHours(1));
            var scan = await db.Store.BeginScanAsync("acme", "controls-v1", CancellationToken.None);
            var (a, rowsA) = await StageAsync(db, scan, "scope-a", Without(Evaluate(mover), always: true));
            var (b, rowsB) = await StageAsync(db, scan, "scope-b", Without(Evaluate(stays), controlGoneEverywhere));
            EvaluationStager.ResolveMoves([a, b]);
            ScopeMergeResult oldScope, newScope;
            if (newScopeFirst)
            {
                newScope = await db.Store.MergeScopeAsync(scan, "scope-a", a, Batches(rowsA), CancellationToken.None);
                oldScope = await db.Store.MergeScopeAsync(scan, "scope-b", b, Batches(rowsB), CancellationToken.None);
            }
            else
            {
                oldScope = await db.Store.MergeScopeAsync(scan, "scope-b", b, Batches(rowsB), CancellationToken.None);
                newScope = await db.Store.MergeScopeAsync(scan, "scope-a", a, Batches(rowsA), CancellationToken.None);
            }

            await db.Store.CompleteScanAsync(scan, CancellationToken.None);
            return (oldScope, newScope);
        }

        var (left, arrived) = await ScanBothAsync();

        // A control no scope evaluates any more is settled by the scope that last evaluated the finding.
        var gone = (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, mover), CancellationToken.None))!;
        Assert.Equal((FindingState.Resolved, "not_evaluated", controlGoneEverywhere ? "scope-b" : "scope-a"),
            (gone.Finding.State, gone.Finding.Resolution, gone.Finding.Scope));
        Assert.Equal([FindingEventKind.Opened, FindingEventKind.Resolved], gone.History.Select(e => e.Kind));
        var moved = (await db.Store.GetFindingAsync(Fingerprint(PrivateControl, mover), CancellationToken.None))!;
        Assert.Equal((FindingState.Open, "scope-a"), (moved.Finding.State, moved.Finding.Scope));
        Assert.Equal(controlGoneEverywhere ? 2 : 1, left.Resolved + arrived.Resolved);

        // The same inventory again: nothing is left to settle, no finding row is written.
        var (leftAgain, arrivedAgain) = await ScanBothAsync();
        Assert.Equal((0, 0, 0, 0), (leftAgain.Missing + arrivedAgain.Missing, leftAgain.Resolved + arrivedAgain.Resolved,
            leftAgain.Inserted + arrivedAgain.Inserted, leftAgain.Changed + arrivedAgain.Changed));
        Assert.Equal(2, (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, mover), CancellationToken.None))!.History.Count);
    }

    [Fact]
    public async Task MergeScope_TwoMergesDeadlockOnResourcesSwappingScopes_TheLoserRunsAgainAndBothComplete()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var r = Bucket("r", encrypted: false);
        var s = Bucket("s", encrypted: false);
        await db.ScanAsync("acme", "scope-a", Evaluate(s));
        await db.ScanAsync("acme", "scope-b", Evaluate(r));

        // r moves to scope-a and s to scope-b. Without ResolveMoves each merge updates the row it gains, then
        // wants to delete the row it lost, which the other merge holds: both wait at the same step (the
        // hook lines them up), PostgreSQL aborts one, and the store must run that one again.
        var arrivals = 0;
        var bothUpdated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var locks = 0;
        db.Store.AfterMergeStep = async (step, ct) =>
        {
            if (step == "lock")
            {
                Interlocked.Increment(ref locks);
            }

            if (step == "resources-insert" && Interlocked.Increment(ref arrivals) is var n && n <= 2)
            {
                if (n == 2)
                {
                    bothUpdated.TrySetResult();
                }

                await bothUpdated.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
        };
        db.Time.Advance(TimeSpan.FromHours(1));
        var scan = await db.Store.BeginScanAsync("acme", "controls-v1", CancellationToken.None);

        var results = await Task.WhenAll(
            Task.Run(() => db.Store.MergeScopeAsync(scan, "scope-a", Stream(Evaluate(r)), CancellationToken.None)),
            Task.Run(() => db.Store.MergeScopeAsync(scan, "scope-b", Stream(Evaluate(s)), CancellationToken.None)));

        Assert.All(results, x => Assert.Equal(ScopeStatus.Completed, x.Status));
        Assert.Equal(3, locks);
        Assert.Equal("scope-a", (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, r), CancellationToken.None))!.Finding.Scope);
        Assert.Equal("scope-b", (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, s), CancellationToken.None))!.Finding.Scope);
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from resources where deleted_at is not null"));
    }

    [Fact]
    public async Task MergeScope_AnotherMergeInsertsTheSameNewFindingFirst_TheLoserRunsAgainAndTakesTheFindingOver()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        var bucket = Bucket("shared", encrypted: false);

        // Two targets scan the same inventory at once. The first merge inserts the resource and its finding
        // but has not committed when the second builds its stage (the resource looks new to it); once the
        // first commits, the second's insert of the same fingerprint violates the unique key, and it must
        // run again (its second run finds the resource stored and takes its finding over) instead of
        // failing or dropping the rows.
        var firstInserted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStaged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var locks = 0;
        var inserts = 0;
        db.Store.AfterMergeStep = async (step, ct) =>
        {
            if (step == "lock")
            {
                Interlocked.Increment(ref locks);
            }

            if (step == "stage-resources" && firstInserted.Task.IsCompleted)
            {
                secondStaged.TrySetResult();
            }

            if (step == "resources-insert" && Interlocked.Increment(ref inserts) == 1)
            {
                firstInserted.TrySetResult();
                await secondStaged.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
        };
        db.Time.Advance(TimeSpan.FromHours(1));
        var acme = await db.Store.BeginScanAsync("acme", "controls-v1", CancellationToken.None);
        var other = await db.Store.BeginScanAsync("other", "controls-v1", CancellationToken.None);

        var first = Task.Run(() => db.Store.MergeScopeAsync(acme, "scope-a", Stream(Evaluate(bucket)), CancellationToken.None));
        await firstInserted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = Task.Run(() => db.Store.MergeScopeAsync(other, "scope-b", Stream(Evaluate(bucket)), CancellationToken.None));
        var results = await Task.WhenAll(first, second);

        Assert.All(results, x => Assert.Equal(ScopeStatus.Completed, x.Status));
        Assert.Equal(3, locks);
        var evaluations = Evaluate(bucket).Count;
        Assert.Equal((evaluations, 0), (results[0].Inserted, results[0].Changed));
        Assert.Equal((0, evaluations), (results[1].Inserted, results[1].Changed));
        Assert.Equal((long)evaluations, await db.ScalarAsync<long>("select count(*) from findings"));
        Assert.Equal("scope-b", (await db.Store.GetFindingAsync(Fingerprint(EncryptedControl, bucket), CancellationToken.None))!.Finding.Scope);
    }

    private static async Task<(EvaluationStager Stager, List<StagedEvaluation> Rows)> StageAsync(StoreDatabase db, ScanHandle scan, string scope, IEnumerable<Evaluation> evaluations)
    {
        var stager = new EvaluationStager(await db.Store.LoadScopeDigestsAsync(scan, scope, CancellationToken.None));
        var rows = new List<StagedEvaluation>();
        foreach (var evaluation in evaluations)
        {
            stager.Add(evaluation, rows);
        }

        stager.Complete(rows);
        return (stager, rows);
    }

#pragma warning disable CS1998 // async iterator without await: a stream for the store's API
    private static async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> Batches(List<StagedEvaluation> rows)
#pragma warning restore CS1998
    {
        yield return rows;
    }
}

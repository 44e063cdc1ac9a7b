using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;
using static PostureScanner.Postgres.Tests.TestInventory;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class EvaluationStagerTests
{
    [Fact]
    public void Add_RowsWhenTheResourceIsComplete_ResourceColumnsOnItsFirstRow_ASecondCopyIsDropped()
    {
        var stager = new EvaluationStager();
        var rows = new List<StagedEvaluation>();
        var first = Evaluate(Bucket("a", encrypted: false));
        stager.Add(first[0], rows);
        stager.Add(first[1], rows);
        Assert.Empty(rows);

        foreach (var evaluation in Evaluate(Bucket("a", encrypted: true)))
        {
            stager.Add(evaluation, rows);
        }

        stager.Complete(rows);

        Assert.Equal(2, rows.Count);
        Assert.NotNull(rows[0].Resource);
        Assert.Null(rows[1].Resource);
        Assert.Equal("arn:aws:s3:::a", rows[0].Resource!.NativeId);
        Assert.Equal(16, rows[0].Resource!.EvaluationDigest.Length);
        Assert.Equal((2, 1), (stager.Evaluations, stager.Resources));
    }

    [Theory]
    [InlineData(true, 0, true)]
    [InlineData(true, 1, false)]
    [InlineData(false, 0, false)]
    public void NoteResource_TheRecordHashIsStoredOnlyWhenEveryResourceIsReportedAndNoneHadAnExclusion(bool noted, int excluded, bool stored)
    {
        // A later scan counts a record it keeps unparsed from its rows: they must account for everything.
        var plain = Bucket("a", encrypted: false);
        var bucket = plain with { Raw = plain.Raw with { RecordHash = 42 } };
        var stager = new EvaluationStager();
        var rows = new List<StagedEvaluation>();
        foreach (var evaluation in Evaluate(bucket))
        {
            stager.Add(evaluation, rows);
        }

        if (noted)
        {
            stager.NoteResource(bucket, excluded, null, rows);
        }

        stager.Complete(rows);

        var resource = rows[0].Resource!;
        Assert.Equal(stored, resource.RecordHash is not null);
        Assert.Equal(1, resource.RecordResources);
        Assert.Equal([1, 1, 0, 0, 0, 1, 0, 0, 0], resource.EvaluationCounts);
    }

    [Fact]
    public void Take_RecordPreparedWithoutTheDigests_TheStagerCompares_UnchangedStagesNoRow()
    {
        // A reading worker does not wait for a scope's digests to load: it prepares every resource with its
        // rows, and the stager, which has the digests, keeps an unchanged one as an id.
        static PreparedResource[] Prepare(ScopeDigests? known, params Resource[] resources)
        {
            var preparer = new EvaluationPreparer();
            var prepared = new List<PreparedResource>();
            foreach (var resource in resources)
            {
                foreach (var evaluation in Evaluate(resource))
                {
                    preparer.Add(evaluation);
                }

                prepared.AddRange(preparer.Finish(known).Resources);
            }

            return [.. prepared];
        }

        static (EvaluationStager Stager, List<StagedEvaluation> Rows) TakeAll(ScopeDigests known, PreparedResource[] prepared)
        {
            var stager = new EvaluationStager(known);
            var rows = new List<StagedEvaluation>();
            foreach (var resource in prepared)
            {
                stager.Take(new PreparedRecord { Resources = [resource] }, rows);
            }

            return (stager, rows);
        }

        var same = Bucket("same", encrypted: false);
        var changed = Bucket("changed", encrypted: false);
        var before = Prepare(null, same, Bucket("changed", encrypted: true));
        Assert.All(before, r => Assert.False(r.KnownUnchanged));
        Assert.All(before, r => Assert.Equal(2, r.Rows.Count));
        var known = new ScopeDigests(new Dictionary<UInt128, (long, UInt128?)>
        {
            [before[0].KeyHash] = (7, before[0].Digest),
            [before[1].KeyHash] = (8, before[1].Digest),
        });

        var (stager, rows) = TakeAll(known, Prepare(null, same, changed));

        Assert.Equal([7L], stager.UnchangedResourceIds);
        Assert.Equal(["arn:aws:s3:::changed"], rows.Where(r => r.Resource is not null).Select(r => r.Resource!.NativeId));
        Assert.Equal((2, 4), (stager.Resources, stager.Evaluations));

        // With the digests at hand the preparer builds no rows for the unchanged one; the outcome is the same.
        var prepared = Prepare(known, same, changed);
        Assert.Equal([true, false], prepared.Select(r => r.KnownUnchanged));
        Assert.Empty(prepared[0].Rows);
        var (withDigests, rowsWithDigests) = TakeAll(known, prepared);
        Assert.Equal(stager.UnchangedResourceIds, withDigests.UnchangedResourceIds);
        Assert.Equal(rows.Select(r => r.Fingerprint + Convert.ToHexString(r.ContentHash.Span)), rowsWithDigests.Select(r => r.Fingerprint + Convert.ToHexString(r.ContentHash.Span)));
    }

    [Fact]
    public void Kept_AResourceAKeptRecordAlreadyStandsFor_IsACopyWhenReadAgain_AndIsKeptOnce()
    {
        var bucket = Bucket("a", encrypted: false);
        var known = new ScopeDigests(new Dictionary<UInt128, (long, UInt128?)> { [ScopeDigests.KeyOf("aws", EvaluationStager.ResourceKey(bucket))] = (7, null) });
        var stager = new EvaluationStager(known) { Kept = new Dictionary<long, int> { [7] = 2 } };

        var rows = StageAll(stager, Evaluate(bucket, Bucket("b", encrypted: false)));

        Assert.Equal(["arn:aws:s3:::b"], rows.Where(r => r.Resource is not null).Select(r => r.Resource!.NativeId));
        Assert.True(stager.Keep(7, 2));
        Assert.False(stager.Keep(7, 2));
        Assert.Equal([7L], stager.UnchangedResourceIds);
        Assert.Equal((2, 4), (stager.Resources, stager.Evaluations));

        // Read first, kept after: the read one stands, the kept record adds nothing.
        var readFirst = new EvaluationStager(known);
        StageAll(readFirst, Evaluate(bucket));
        Assert.False(readFirst.Keep(7, 2));
        Assert.Equal((1, 2), (readFirst.Resources, readFirst.Evaluations));
    }

    [Fact]
    public void Claims_ACopyInAnotherScopeOfTheScan_IsDroppedThere_AndAKeptRecordInItsStoredScopeWinsOverALaterCopy()
    {
        // Scope a holds bucket "k" (id 7); the scan keeps its record there, then reads a copy of "k" and a
        // new bucket "n" in scope b, then a copy of "n" in scope a: the first reader of each wins.
        var claims = new ResourceClaims();
        var kept = new Dictionary<long, int> { [7] = 2 };
        var storedInA = new ScopeDigests(new Dictionary<UInt128, (long, UInt128?)> { [ScopeDigests.KeyOf("aws", EvaluationStager.ResourceKey(Bucket("k", encrypted: false)))] = (7, null) });
        claims.AddStored(storedInA, () => kept);
        var a = new EvaluationStager(storedInA) { Kept = kept, Claims = claims };
        var b = new EvaluationStager() { Claims = claims };

        var rowsB = StageAll(b, Evaluate(Bucket("k", encrypted: true), Bucket("n", encrypted: false)));
        var rowsA = StageAll(a, Evaluate(Bucket("n", encrypted: true)));
        a.KeepAll();
        EvaluationStager.ResolveMoves([a, b]);

        Assert.Equal(["arn:aws:s3:::n"], rowsB.Where(r => r.Resource is not null).Select(r => r.Resource!.NativeId));
        Assert.Empty(rowsA);
        Assert.Equal([7L], a.UnchangedResourceIds);
        Assert.Empty(a.UnseenResourceIds());
        Assert.Empty(a.MovedOutResourceIds);
        Assert.Equal((1, 1), (a.Resources, b.Resources));

        // Read first in b, kept later in a: b takes it, and a lists it as moved out (neither kept nor deleted).
        var claims2 = new ResourceClaims();
        var kept2 = new Dictionary<long, int>();
        claims2.AddStored(storedInA, () => kept2);
        var a2 = new EvaluationStager(storedInA) { Kept = kept2, Claims = claims2 };
        var b2 = new EvaluationStager() { Claims = claims2 };
        var rowsB2 = StageAll(b2, Evaluate(Bucket("k", encrypted: true)));
        kept2[7] = 2;
        a2.KeepAll();
        EvaluationStager.ResolveMoves([a2, b2]);

        Assert.Single(rowsB2, r => r.Resource is not null);
        Assert.Empty(a2.UnchangedResourceIds);
        Assert.Empty(a2.UnseenResourceIds());
        Assert.Equal([7L], a2.MovedOutResourceIds);
        Assert.Equal((0, 1), (a2.Resources, b2.Resources));
    }

    [Fact]
    public void Add_OneRecordThatIsTwoResources_StagesBoth()
    {
        var bucket = Bucket("a", encrypted: false);
        var rows = StageAll(new EvaluationStager(), Evaluate(bucket, BindingOf(bucket)));

        Assert.Equal([EncryptedControl, PrivateControl, BindingControl], rows.Select(r => r.ControlId));
        Assert.Equal(2, rows.Count(r => r.Resource is not null));
        Assert.Equal(["object_storage.bucket|arn:aws:s3:::a", "iam.binding|arn:aws:s3:::a"], rows.Select(r => r.ResourceKey).Distinct());
    }

    [Fact]
    public void Add_EvidenceAndAttributesAsCompactJson_AzureKeyLowercased()
    {
        var bucket = Bucket("MixedCase", encrypted: false, provider: Provider.Azure, tags: new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" });
        var row = StageAll(new EvaluationStager(), Evaluate(bucket))[0];

        Assert.Equal("object_storage.bucket|" + bucket.Id.ToLowerInvariant(), row.ResourceKey);
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"encrypted":false}"""), JObject.Parse(row.EvidenceJson)), row.EvidenceJson);
        Assert.Equal("""{"a":"2","z":"1"}""", row.Resource!.TagsJson);
        Assert.Equal("""{"encrypted":false,"public":false}""", row.Resource.AttributesJson);
        Assert.Equal(("fail", "high"), (row.Status, row.Severity));
    }

    [Fact]
    public void Add_ChangedEvaluationOrRawRecord_ChangesTheHashesAndTheDigest()
    {
        var a = StageAll(new EvaluationStager(), Evaluate(Bucket("a", encrypted: false)))[0];
        var b = StageAll(new EvaluationStager(), Evaluate(Bucket("a", encrypted: true)))[0];
        var same = StageAll(new EvaluationStager(), Evaluate(Bucket("a", encrypted: false)))[0];

        Assert.NotEqual(a.ContentHash.ToArray(), b.ContentHash.ToArray());
        Assert.NotEqual(a.Resource!.RawHash.ToArray(), b.Resource!.RawHash.ToArray());
        Assert.NotEqual(a.Resource.EvaluationDigest.ToArray(), b.Resource.EvaluationDigest.ToArray());
        Assert.Equal(a.ContentHash.ToArray(), same.ContentHash.ToArray());
        Assert.Equal(a.Resource.ContentHash.ToArray(), same.Resource!.ContentHash.ToArray());
        Assert.Equal(a.Resource.EvaluationDigest.ToArray(), same.Resource.EvaluationDigest.ToArray());
    }

    [Fact]
    public void Add_OnlyTheSeverityOfOneEvaluationDiffers_DigestDiffers()
    {
        // Same record and attributes; one control's severity is raised by policy: nothing about the resource
        // changed, but one finding row would, so the resource must not count as unchanged.
        var one = StageAll(new EvaluationStager(), Evaluate([Bucket("a", encrypted: false)]))[0].Resource!.EvaluationDigest.ToArray();
        var other = StageAll(new EvaluationStager(), Evaluate([Bucket("a", encrypted: false)], Severity.Critical))[0].Resource!.EvaluationDigest.ToArray();

        Assert.NotEqual(one, other);
    }

    [Fact]
    public void Add_KnownDigestOfTheSameScope_StagesOnlyTheResourceId()
    {
        var digest = StageAll(new EvaluationStager(), Evaluate(Bucket("a", encrypted: false)))[0].Resource!.EvaluationDigest.Span;
        var known = new ScopeDigests(new Dictionary<UInt128, (long, UInt128?)>
        {
            [ScopeDigests.KeyOf("aws", "object_storage.bucket|arn:aws:s3:::a")] = (42, ScopeDigests.FromBytes(digest)),
            [ScopeDigests.KeyOf("aws", "object_storage.bucket|arn:aws:s3:::b")] = (43, ScopeDigests.FromBytes(digest)),
        });
        var stager = new EvaluationStager(known);

        var rows = StageAll(stager, [.. Evaluate(Bucket("a", encrypted: false)), .. Evaluate(Bucket("b", encrypted: false))]);

        // a is unchanged: only its id; b's stored digest is a's, not its own, so b is staged in full.
        Assert.Equal([42L], stager.UnchangedResourceIds);
        Assert.Equal(["object_storage.bucket|arn:aws:s3:::b"], rows.Select(r => r.ResourceKey).Distinct());
        Assert.Equal((4, 2), (stager.Evaluations, stager.Resources));
    }

    private static List<StagedEvaluation> StageAll(EvaluationStager stager, IEnumerable<Evaluation> evaluations)
    {
        var rows = new List<StagedEvaluation>();
        foreach (var evaluation in evaluations)
        {
            stager.Add(evaluation, rows);
        }

        stager.Complete(rows);
        return rows;
    }
}

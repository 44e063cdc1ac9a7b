using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;
using static PostureScanner.Postgres.Tests.TestInventory;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class EvaluationStagerTests
{
    [Fact]
    public void Stage_ResourceRowOnItsFirstEvaluationOnly_AndASecondCopyOfTheResourceIsDropped()
    {
        var stager = new EvaluationStager();
        var first = Evaluate(Bucket("a", encrypted: false)).Select(stager.Stage).ToList();
        var again = Evaluate(Bucket("a", encrypted: true)).Select(stager.Stage).ToList();

        Assert.Equal(2, first.Count);
        Assert.NotNull(first[0]!.Resource);
        Assert.Null(first[1]!.Resource);
        Assert.Equal("arn:aws:s3:::a", first[0]!.Resource!.NativeId);
        Assert.All(again, Assert.Null);
    }

    [Fact]
    public void Stage_EvidenceAndAttributesAsCompactJson_AzureKeyLowercased()
    {
        var stager = new EvaluationStager();
        var bucket = Bucket("MixedCase", encrypted: false, provider: Provider.Azure, tags: new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" });
        var row = Evaluate(bucket).Select(stager.Stage).First()!;

        Assert.Equal(bucket.Id.ToLowerInvariant(), row.ResourceKey);
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"encrypted":false}"""), JObject.Parse(row.EvidenceJson)), row.EvidenceJson);
        Assert.Equal("""{"a":"2","z":"1"}""", row.Resource!.TagsJson);
        Assert.Equal("""{"encrypted":false,"public":false}""", row.Resource.AttributesJson);
        Assert.Equal(("fail", "high"), (row.Status, row.Severity));
    }

    [Fact]
    public void Stage_ChangedEvaluationOrRawRecord_ChangesTheHashes()
    {
        var a = new EvaluationStager().Stage(Evaluate(Bucket("a", encrypted: false))[0])!;
        var b = new EvaluationStager().Stage(Evaluate(Bucket("a", encrypted: true))[0])!;
        var same = new EvaluationStager().Stage(Evaluate(Bucket("a", encrypted: false))[0])!;

        Assert.NotEqual(a.ContentHash.ToArray(), b.ContentHash.ToArray());
        Assert.NotEqual(a.Resource!.RawHash.ToArray(), b.Resource!.RawHash.ToArray());
        Assert.Equal(a.ContentHash.ToArray(), same.ContentHash.ToArray());
        Assert.Equal(a.Resource.ContentHash.ToArray(), same.Resource!.ContentHash.ToArray());
    }
}

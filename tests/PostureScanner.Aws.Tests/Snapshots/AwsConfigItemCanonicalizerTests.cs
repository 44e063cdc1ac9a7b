using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Aws.Snapshots;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Tests.Snapshots;

public sealed class AwsConfigItemCanonicalizerTests
{
    [Theory]
    [InlineData("""[{"key": "env", "value": "prod"}]""")]
    [InlineData("""[{"Key": "env", "Value": "prod"}]""")]
    [InlineData("""[{"tagName": "env", "tagValue": "prod"}]""")]
    [InlineData("""[{"key": "env", "value": "prod", "tag": "env=prod"}]""")]
    [InlineData("""{"env": "prod"}""")]
    public void Canonicalize_TagLists_BecomeAMap(string tags)
    {
        var item = JObject.Parse($$"""{"resourceType": "AWS::S3::Bucket", "arn": "arn:aws:s3:::b", "tags": {{tags}}}""");

        AwsConfigItemCanonicalizer.Canonicalize(item);

        Assert.Equal("""{"env":"prod"}""", item["tags"]!.ToString(Formatting.None));
    }

    [Fact]
    public void Canonicalize_BothSpellingsPresent_KeepsTheApiOne()
    {
        var item = JObject.Parse("""{"arn": "api", "ARN": "sns", "resourceType": "T"}""");

        AwsConfigItemCanonicalizer.Canonicalize(item);

        Assert.Equal("""{"arn":"api","resourceType":"T"}""", item.ToString(Formatting.None));
    }

    [Fact]
    public void Canonicalize_RenamedKeys_KeepTheirPlace()
    {
        var item = JObject.Parse("""{"configurationItemVersion": "1.3", "ARN": "a", "awsAccountId": "1", "resourceType": "T"}""");

        AwsConfigItemCanonicalizer.Canonicalize(item);

        Assert.Equal(["version", "arn", "accountId", "resourceType"], item.Properties().Select(p => p.Name));
    }

    [Fact]
    public void ToRawAsset_NoResourceType_ThrowsWithoutGuessing()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => AwsConfigItemCanonicalizer.ToRawAsset(JObject.Parse("""{"resourceId": "sg-1", "configuration": {}}""")));

        Assert.StartsWith("no resourceType", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToRawAsset_NoIdentifier_Throws()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => AwsConfigItemCanonicalizer.ToRawAsset(JObject.Parse("""{"resourceType": "AWS::EC2::Instance", "COUNT(*)": 3}""")));

        Assert.Contains("neither arn nor resourceId", ex.Message, StringComparison.Ordinal);
    }
}

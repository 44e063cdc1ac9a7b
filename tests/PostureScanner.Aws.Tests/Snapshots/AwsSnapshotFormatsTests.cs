using PostureScanner.Testing;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

using static PostureScanner.Aws.Tests.Snapshots.TestSamples;

namespace PostureScanner.Aws.Tests.Snapshots;

public sealed class AwsSnapshotFormatsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Read_ConfigSnapshot_StreamsItemsWithChannelKeysRenamed()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_envelopes", "awsdocs-snapshot-1.json"), "aws-config-snapshot");

        Assert.Equal(["AWS::EC2::Volume", "AWS::EC2::Instance"], assets.Select(a => a.NativeType));
        var volume = assets[0];
        Assert.Equal(Provider.Aws, volume.Provider);
        Assert.Equal("arn:aws:us-west-2b:123456789012:volume/vol-ce676ccc", volume.NativeId);
        Assert.Equal("12345678910", volume.Account);
        Assert.Equal("global", volume.Region);
        Assert.Equal("aws/12345678910/global", volume.Scope);
        Assert.Equal("1.0", volume.Data["version"]!.Value<string>());
        Assert.Equal("3e660fdf-4e34-4f32-afeb-0ace5bf3d63a", volume.Data["configurationStateId"]!.Value<string>());
        Assert.Equal("us-west-2b", volume.Data["availabilityZone"]!.Value<string>());
        Assert.Null(volume.Data["configurationItemVersion"]);
        Assert.Null(volume.Data["availibilityZone"]);
        Assert.Equal("in-use", volume.Data.SelectToken("configuration.state")!.Value<string>());
        // configuration.tags is the service's list and stays one; the item's tags are a map.
        Assert.Equal(JTokenType.Array, volume.Data.SelectToken("configuration.tags")!.Type);
        Assert.Equal(JTokenType.Object, volume.Data["tags"]!.Type);
    }

    [Fact]
    public async Task Read_GzippedSnapshotWithoutExtension_IsDetectedFromContent()
    {
        var path = _temp.Write("123456789012_Config_us-west-2_ConfigSnapshot", File.ReadAllBytes(Samples.Path("_derived", "awsdocs-snapshot-1.json.gz")));

        var assets = await Samples.ReadWholeAsync(path, "aws-config-snapshot");

        Assert.Equal(["vol-ce676ccc", "i-344c463d"], assets.Select(a => a.Data["resourceId"]!.Value<string>()));
    }

    [Fact]
    public async Task Read_SnapshotWithSnapshotVersionKey_IsReadToo()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_envelopes", "awsdocs-snapshot-2.json"), "aws-config-snapshot");

        Assert.NotEmpty(assets);
        Assert.All(assets, a => Assert.StartsWith("AWS::EC2::", a.NativeType, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_SelectOutput_DecodesRowStrings()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_envelopes", "awsdocs-select-1.json"), "aws-config-select");

        Assert.Equal(7, assets.Count);
        Assert.All(assets, a => Assert.Equal("AWS::EC2::Instance", a.NativeType));
        Assert.All(assets, a => Assert.Equal("resourceid", a.NativeId));
        Assert.Equal("t1.micro", assets[3].Data.SelectToken("configuration.instanceType")!.Value<string>());
        Assert.Equal("us-west-2a", assets[3].Data["availabilityZone"]!.Value<string>());
    }

    [Fact]
    public async Task Read_SelectRows_KeepFloatsAndDecodeUrlEncodedPolicies()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "select-typed-rows.json"), "aws-config-select");

        var group = assets[0];
        Assert.Equal("AWS::EC2::SecurityGroup", group.NativeType);
        var fromPort = group.Data.SelectToken("configuration.ipPermissions[0].fromPort")!;
        Assert.Equal(JTokenType.Float, fromPort.Type);
        Assert.Equal("22.0", fromPort.ToString(Formatting.None));

        var role = assets[1];
        Assert.Equal("AWS::IAM::Role", role.NativeType);
        Assert.Equal("AROAY5Y4D45RMKKKBXNQ3", role.NativeId);
        Assert.Equal("lambda.amazonaws.com", role.Data.SelectToken("configuration.assumeRolePolicyDocument.Statement[0].Principal.Service")!.Value<string>());
        Assert.Equal("sts:AssumeRole", role.Data.SelectToken("configuration.assumeRolePolicyDocument.Statement[0].Action")!.Value<string>());
    }

    [Theory]
    [InlineData("_envelopes/awsdocs-select-2.json")]
    [InlineData("_derived/c7n-select-1.data.json")]
    public async Task Read_SelectRowsWithoutResourceType_AreAnErrorNamingTheRow(string file)
    {
        var path = Samples.Path(file.Split('/'));

        var (assets, inputs) = await Samples.ReadAsync(path);

        Assert.Empty(assets);
        var input = Assert.Single(inputs);
        Assert.Equal("aws-config-select", input.Format);
        Assert.StartsWith(path + ":", input.Error);
        Assert.Contains("Results[0]: no resourceType", input.Error);
    }

    [Fact]
    public async Task Read_History_DecodesConfigurationAndNestedJsonStrings()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "history-items.json"), "aws-config-history");

        Assert.Equal(
            ["AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::EC2::SecurityGroup"],
            assets.Select(a => a.NativeType));
        var bucket = assets[0].Data;
        Assert.Equal(JTokenType.Object, bucket["configuration"]!.Type);
        // AccessControlList is a JSON string holding a JSON string.
        Assert.Equal("AllUsers", bucket.SelectToken("supplementaryConfiguration.AccessControlList.grantList[1].grantee")!.Value<string>());
        Assert.Equal("Suspended", bucket.SelectToken("supplementaryConfiguration.BucketVersioningConfiguration.status")!.Value<string>());
        // Text that merely looks like a value stays text.
        Assert.Equal("false", bucket.SelectToken("supplementaryConfiguration.IsRequesterPaysEnabled")!.Value<string>());
        Assert.Equal("1502443814.0", bucket["resourceCreationTime"]!.ToString(Formatting.None));
        var table = assets[1];
        Assert.Equal("us-east-1", table.Region);
        Assert.Equal("644160558196", table.Account);
        Assert.Equal("aws/644160558196/us-east-1", table.Scope);
        Assert.Equal(JTokenType.Array, table.Data.SelectToken("supplementaryConfiguration.Tags")!.Type);
        Assert.Equal("KMS", table.Data.SelectToken("configuration.ssedescription.ssetype")!.Value<string>());
    }

    [Fact]
    public async Task Read_HistoryFromPlaceboRecording_DecodesNullConfiguration()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "c7n-history-1.data.json"), "aws-config-history");

        Assert.Equal(JTokenType.Null, assets[0].Data["configuration"]!.Type);
        Assert.Equal("vol-12345", assets[0].NativeId);
        Assert.Equal("V", assets[1].Data.SelectToken("tags.K")!.Value<string>());
    }

    [Fact]
    public async Task Read_DocumentationHistory_ReadsEveryItem()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_envelopes", "awsdocs-history-1.json"), "aws-config-history");

        Assert.True(assets.Count >= 2);
        Assert.Equal(1, assets[0].Data.SelectToken("configuration.compliantRuleCount")!.Value<int>());
    }

    [Fact]
    public async Task Read_BatchGet_IdentifiesItemsWithoutArnByResourceId()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_envelopes", "awsdocs-batchget-1.json"), "aws-config-batch-get");

        var item = Assert.Single(assets);
        Assert.Equal("MyCustomNamespace::Testing::WordPress", item.NativeType);
        Assert.Equal("resource-001", item.NativeId);
        Assert.False(item.Data.SelectToken("configuration.PublicAccess")!.Value<bool>());
        Assert.Equal("us-west-2", item.Region);
    }

    [Fact]
    public async Task Read_ArrayOfItems_StreamsThemInOrder()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "items-array.json"), "aws-config-item-array");

        Assert.Equal(
            ["AWS::S3::Bucket", "AWS::CodePipeline::Pipeline", "AWS::RDS::DBCluster", "AWS::ElasticLoadBalancingV2::LoadBalancer"],
            assets.Select(a => a.NativeType));
        Assert.Equal(
            "RequiredEncryptedPutObject",
            assets[0].Data.SelectToken("supplementaryConfiguration.BucketPolicy.policyText.Statement[0].Sid")!.Value<string>());
    }

    [Fact]
    public async Task Read_SingleItem_IsTheFixtureForm()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("AWS__S3__Bucket", "c7n-testdata-1.json"), "aws-config-item");

        var bucket = Assert.Single(assets);
        Assert.Equal("arn:aws:s3:::testing-99", bucket.NativeId);
        Assert.Equal("e7c8bb65a5fc49cf906715eae09de9e4bb7861a96361ba79b833aa45f6833b15", bucket.Data.SelectToken("supplementaryConfiguration.AccessControlList.owner.id")!.Value<string>());
    }

    [Fact]
    public async Task Read_EventBridgeItem_RenamesChannelKeys()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("AWS__SQS__Queue", "c7n-event-1.json"), "aws-config-item");

        var queue = Assert.Single(assets).Data;
        Assert.Equal("arn:aws:sqs:us-east-1:662108712480:config-changes", queue["arn"]!.Value<string>());
        Assert.Equal("662108712480", queue["accountId"]!.Value<string>());
        Assert.Equal("1.3", queue["version"]!.Value<string>());
        Assert.Equal("", queue["configurationItemMD5Hash"]!.Value<string>());
        Assert.Null(queue["ARN"]);
        Assert.Null(queue["awsAccountId"]);
        Assert.Equal("events.amazonaws.com", queue.SelectToken("configuration.Policy.Statement[0].Principal.Service")!.Value<string>());
        Assert.Equal("30", queue.SelectToken("configuration.VisibilityTimeout")!.Value<string>());
    }

    [Fact]
    public async Task Read_JsonLines_ReadsEveryLine()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "items.jsonl"), "aws-config-item-lines");

        Assert.Equal(["AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::Kinesis::Stream"], assets.Select(a => a.NativeType));
    }

    [Theory]
    [InlineData("_envelopes/awsdocs-sns-3.json")]
    [InlineData("_envelopes/awsdocs-ruleevent-1.json")]
    [InlineData("_envelopes/c7n-select-1.json")]
    public async Task Read_NotificationsEventsAndRecordingWrappers_AreUnrecognised(string file)
    {
        var path = Samples.Path(file.Split('/'));

        var (assets, inputs) = await Samples.ReadAsync(path);

        Assert.Empty(assets);
        Assert.Contains("unrecognised format", Assert.Single(inputs).Error);
    }

    [Fact]
    public async Task Read_DirectoryOfEnvelopes_ReadsTheGoodFilesAndRecordsTheRest()
    {
        var (assets, inputs) = await Samples.ReadAsync(Samples.Path("_envelopes"));

        Assert.Equal(19, inputs.Count);
        Assert.Equal(inputs.Select(i => i.Path).Order(StringComparer.Ordinal), inputs.Select(i => i.Path));
        var read = inputs.Where(i => i.Error is null).Select(i => Path.GetFileName(i.Path)).ToList();
        Assert.Equal(
            ["awsdocs-batchget-1.json", "awsdocs-history-1.json", "awsdocs-select-1.json", "awsdocs-select-3.json", "awsdocs-snapshot-1.json", "awsdocs-snapshot-2.json"],
            read);
        Assert.Equal(inputs.Sum(i => i.Resources), assets.Count);
    }
}

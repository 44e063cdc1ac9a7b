using PostureScanner.Testing;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;
using PostureScanner.Gcp.Snapshots;

using static PostureScanner.Gcp.Tests.Snapshots.TestSamples;

namespace PostureScanner.Gcp.Tests.Snapshots;

public sealed class GcpSnapshotFormatsTests : IDisposable
{
    private const string Bucket = "//storage.googleapis.com/my-storage-bucket-with-bucketpolicyonly";
    private const string Project = "//cloudresourcemanager.googleapis.com/projects/216968792402";
    private const string Orphan = "//storage.googleapis.com/my-second-test-bucket";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Read_ExportJsonLines_ConvertsSnakeCaseEnvelopeAndLeavesDataUntouched()
    {
        var path = Samples.Path("_derived", "export-resources.jsonl");

        var assets = await Samples.ReadWholeAsync(path, "gcp-cai-export");

        Assert.Equal(
            ["storage.googleapis.com/Bucket", "cloudresourcemanager.googleapis.com/Project", "sqladmin.googleapis.com/Instance", "compute.googleapis.com/Firewall"],
            assets.Select(a => a.NativeType));
        var bucket = assets[0];
        Assert.Equal(Provider.Gcp, bucket.Provider);
        Assert.Equal(Bucket, bucket.NativeId);
        Assert.Equal(["name", "assetType", "resource"], bucket.Data.Properties().Select(p => p.Name));
        Assert.Equal(["version", "discoveryDocumentUri", "discoveryName", "parent", "data"], ((JObject)bucket.Data["resource"]!).Properties().Select(p => p.Name));
        var original = File.ReadLines(path).Select(line => SnapshotJson.TryParse(line)!).ToList();
        for (var i = 0; i < assets.Count; i++)
        {
            Assert.True(JToken.DeepEquals(original[i].SelectToken("resource.data"), assets[i].Data.SelectToken("resource.data")), assets[i].NativeId);
        }
    }

    [Fact]
    public async Task Read_ExportJsonLines_FindsTheProjectOfEachAsset()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "export-resources.jsonl"), "gcp-cai-export");

        // Bucket: the number from resource.parent; project: resource.data.projectId (the name holds the number);
        // Cloud SQL (name host differs from the type's service) and firewall: the id in the name.
        Assert.Equal(["68478495408", "valid-project-test", "my-test-project", "test-project"], assets.Select(a => a.Account));
        Assert.Equal("gcp/my-test-project", assets[2].Scope);
        Assert.All(assets, a => Assert.Equal("global", a.Region));
    }

    [Theory]
    [InlineData("a-resources.jsonl", "b-iam.jsonl")]
    [InlineData("b-resources.jsonl", "a-iam.jsonl")]
    public async Task Read_IamPolicyExportBesideResourceExport_JoinsWhicheverOrderOnDisk(string resourcesName, string policiesName)
    {
        var resources = _temp.Write(resourcesName, File.ReadAllBytes(Samples.Path("_derived", "export-resources.jsonl")));
        var policies = _temp.Write(policiesName, File.ReadAllBytes(Samples.Path("_derived", "export-iam-policies.jsonl")));

        var (assets, inputs) = await Samples.ReadAsync(_temp.Path);

        Assert.Equal([policies, resources], inputs.Select(i => i.Path));
        Assert.Equal(["gcp-cai-iam-policies", "gcp-cai-export"], inputs.Select(i => i.Format));
        Assert.All(inputs, i => Assert.Null(i.Error));
        Assert.Equal(5, assets.Count);
        var bucket = assets.Single(a => a.NativeId == Bucket).Data;
        Assert.Equal("storage.googleapis.com/Bucket", bucket["assetType"]!.Value<string>());
        Assert.Contains("allUsers", bucket.SelectToken("iamPolicy.bindings[?(@.role == 'roles/storage.legacyBucketReader')].members")!.Values<string>());
        Assert.NotNull(bucket.SelectToken("resource.data.iamConfiguration"));
        var project = assets.Single(a => a.NativeId == Project).Data;
        Assert.Equal(1, project.SelectToken("iamPolicy.auditConfigs[0].auditLogConfigs[0].logType")!.Value<int>());
        Assert.Equal("cloudasset.googleapis.com", project.SelectToken("iamPolicy.auditConfigs[0].service")!.Value<string>());
        var orphan = assets[^1];
        Assert.Equal(Orphan, orphan.NativeId);
        Assert.Null(orphan.Data["resource"]);
        Assert.NotNull(orphan.Data["iamPolicy"]);
        Assert.Equal("global", orphan.Region);
    }

    [Fact]
    public async Task Read_PolicyInsideAResourceExport_JoinsLaterRecordsOfItsOwnFileOnly_SoFilesCanBeReadInAnyOrder()
    {
        // A resource export (its first record a resource) that also holds policy-only records: they join
        // the records after them in the same file, not records of other files, whose outcome would
        // otherwise depend on which file is read first (files of resources are read side by side).
        var resources = File.ReadAllLines(Samples.Path("_derived", "export-resources.jsonl"));
        var policies = File.ReadAllLines(Samples.Path("_derived", "export-iam-policies.jsonl"));
        string Line(string[] lines, string name) => lines.Single(l => l.Contains($"\"name\":\"{name}\"", StringComparison.Ordinal));
        var firewall = resources.Single(l => l.Contains("compute.googleapis.com/Firewall", StringComparison.Ordinal));
        _temp.Write("a-mixed.jsonl", System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
            firewall, Line(policies, Bucket), Line(resources, Bucket), Line(policies, Project)) + "\n"));
        _temp.Write("b-project.jsonl", System.Text.Encoding.UTF8.GetBytes(Line(resources, Project) + "\n"));

        var (assets, inputs) = await Samples.ReadAsync(_temp.Path);

        Assert.Equal(["gcp-cai-export", "gcp-cai-asset"], inputs.Select(i => i.Format));
        Assert.Contains("allUsers", assets.Single(a => a.NativeId == Bucket).Data
            .SelectToken("iamPolicy.bindings[?(@.role == 'roles/storage.legacyBucketReader')].members")!.Values<string>());
        var project = assets.Single(a => a.NativeId == Project && a.Data["resource"] is JObject);
        Assert.Null(project.Data["iamPolicy"]);
        var orphan = assets[^1];
        Assert.Equal(Project, orphan.NativeId);
        Assert.Null(orphan.Data["resource"]);
        Assert.NotNull(orphan.Data["iamPolicy"]);
    }

    [Fact]
    public async Task Read_PolicyExportClaimedByResourcesOfTwoFiles_JoinsBoth_AndIsNoOrphan()
    {
        // The policy export is read first (phase 0); every later file looks its policies up without
        // taking them, so two copies of a resource in two files both get the policy, whichever is read first.
        _temp.Write("iam.jsonl", File.ReadAllBytes(Samples.Path("_derived", "export-iam-policies.jsonl")));
        _temp.Write("r1.jsonl", File.ReadAllBytes(Samples.Path("_derived", "export-resources.jsonl")));
        _temp.Write("r2.jsonl", File.ReadAllBytes(Samples.Path("_derived", "export-resources.jsonl")));

        var (assets, _) = await Samples.ReadAsync(_temp.Path);

        var buckets = assets.Where(a => a.NativeId == Bucket).ToList();
        Assert.Equal(2, buckets.Count);
        Assert.All(buckets, b => Assert.NotNull(b.Data.SelectToken("iamPolicy.bindings")));
        Assert.NotSame(buckets[0].Data["iamPolicy"], buckets[1].Data["iamPolicy"]);
        Assert.Equal([Orphan], assets.Where(a => a.Data["resource"] is null).Select(a => a.NativeId));
    }

    [Fact]
    public async Task Read_WithAFilterKeepingEverything_OnlyRecordsThatStandAloneAreOffered_JoinedOnesAreStillRead()
    {
        // A re-scan keeps unchanged records unparsed. A policy-only record must still be held for its
        // resource, and a resource whose policy is held must still be joined with it: neither may be kept.
        _temp.Write("resources.jsonl", File.ReadAllBytes(Samples.Path("_derived", "export-resources.jsonl")));
        _temp.Write("iam.jsonl", File.ReadAllBytes(Samples.Path("_derived", "export-iam-policies.jsonl")));
        var filter = new KeepEverything();
        var reader = new SnapshotReader(GcpSnapshotFormats.All) { Records = filter };

        var assets = new List<RawAsset>();
        await foreach (var asset in reader.ReadAsync([_temp.Path], CancellationToken.None))
        {
            assets.Add(asset);
        }

        // Four resource records: the bucket and the project have a held policy (read, joined), two stand
        // alone (kept); the policy without a resource comes out at the end as before.
        Assert.Equal(new[] { Bucket, Project, Orphan }.Order(StringComparer.Ordinal), assets.Select(a => a.NativeId).Order(StringComparer.Ordinal));
        Assert.Equal(2, filter.Offered);
        Assert.All(assets, a => Assert.Null(a.RecordHash));
        Assert.Contains("allUsers", assets.Single(a => a.NativeId == Bucket).Data
            .SelectToken("iamPolicy.bindings[?(@.role == 'roles/storage.legacyBucketReader')].members")!.Values<string>());
        // Kept records count as read (policies held for their resources count where they come out).
        Assert.Equal([0L, 4L], reader.Inputs.Select(i => i.Resources));
    }

    private sealed class KeepEverything : IRecordFilter
    {
        public int Offered { get; private set; }

        public bool TryKeep(UInt128 recordHash)
        {
            Offered++;
            return true;
        }
    }

    [Fact]
    public async Task Read_IamPolicyFileAlone_EmitsEveryPolicyAtTheEnd()
    {
        var (assets, inputs) = await Samples.ReadAsync(Samples.Path("storage.googleapis.com__Bucket.IAM_POLICY", "policylib-3.json"));

        var input = Assert.Single(inputs);
        Assert.Equal("gcp-cai-iam-policies", input.Format);
        Assert.Null(input.Error);
        var policy = Assert.Single(assets);
        Assert.Equal("//storage.googleapis.com/my-test-bucket", policy.NativeId);
        Assert.Equal("roles/storage.legacyBucketOwner", policy.Data.SelectToken("iamPolicy.bindings[0].role")!.Value<string>());
    }

    [Fact]
    public async Task Read_AssetsListPageOfIamPolicies_IsReadFirstAndJoined()
    {
        // assets.list with contentType=IAM_POLICY: the committed policy record in the API's camelCase, name set to the bucket's.
        var policy = GcpAssetCanonicalizer.Canonicalize(SnapshotJson.TryParse(await File.ReadAllTextAsync(Samples.Path("storage.googleapis.com__Bucket.IAM_POLICY", "policylib-3.json")))!.Value<JObject>()!);
        policy["name"] = Bucket;
        var page = new JObject { ["readTime"] = "2020-05-29T16:39:31Z", ["assets"] = new JArray(policy) };
        var policies = _temp.Write("z-policies.json", page.ToString());
        _temp.Write("a-bucket.json", File.ReadAllBytes(Samples.Path("storage.googleapis.com__Bucket", "policylib-4.json")));

        var (assets, inputs) = await Samples.ReadAsync(_temp.Path);

        Assert.Equal(policies, inputs[0].Path);
        Assert.Equal(["gcp-cai-iam-policies-page", "gcp-cai-asset"], inputs.Select(i => i.Format));
        var bucket = Assert.Single(assets);
        Assert.Equal(Bucket, bucket.NativeId);
        Assert.Equal("roles/storage.legacyBucketReader", bucket.Data.SelectToken("iamPolicy.bindings[1].role")!.Value<string>());
    }

    [Fact]
    public async Task Read_SingleSnakeCaseAsset_IsTheFixtureForm()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("storage.googleapis.com__Bucket", "policylib-4.json"), "gcp-cai-asset");

        var bucket = Assert.Single(assets);
        Assert.Equal(Bucket, bucket.NativeId);
        Assert.Equal("https://www.googleapis.com/discovery/v1/apis/storage/v1/rest", bucket.Data.SelectToken("resource.discoveryDocumentUri")!.Value<string>());
    }

    [Fact]
    public async Task Read_BatchGetAssetsHistory_TakesEachAssetInCamelCase()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "c7n-cai-1.body.json"), "gcp-cai-assets-history");

        var instance = Assert.Single(assets);
        Assert.Equal("//compute.googleapis.com/projects/cloud-custodian/zones/us-central1-a/instances/instance-1", instance.NativeId);
        Assert.Equal("compute.googleapis.com/Instance", instance.NativeType);
        Assert.Equal("cloud-custodian", instance.Account);
        Assert.Equal("us-central1-a", instance.Region);
        Assert.Null(instance.Data["window"]);
        Assert.Equal("10", instance.Data.SelectToken("resource.data.disks[0].diskSizeGb")!.Value<string>());
    }

    [Fact]
    public async Task Read_BatchGetAssetsHistoryDeletedWindow_IsSkipped()
    {
        var response = JObject.Parse(await File.ReadAllTextAsync(Samples.Path("_derived", "c7n-cai-1.body.json")));
        var deleted = (JObject)response["assets"]![0]!.DeepClone();
        deleted["deleted"] = true;
        ((JArray)response["assets"]!).Insert(0, deleted);
        var path = _temp.Write("history.json", response.ToString());

        var assets = await Samples.ReadWholeAsync(path, "gcp-cai-assets-history");

        Assert.Single(assets);
    }

    [Fact]
    public async Task Read_AssetsListPageAndGcloudList_GiveTheSameAsset()
    {
        var page = await Samples.ReadWholeAsync(Samples.Path("_derived", "assets-list-page.json"), "gcp-cai-assets-page");
        var list = await Samples.ReadWholeAsync(Samples.Path("_derived", "asset-list.json"), "gcp-cai-asset-list");
        var single = await Samples.ReadWholeAsync(Samples.Path("compute.googleapis.com__Instance", "c7n-cai-1.json"), "gcp-cai-asset");

        Assert.Equal(single[0].Data.ToString(Formatting.None), Assert.Single(page).Data.ToString(Formatting.None));
        Assert.Equal(single[0].Data.ToString(Formatting.None), Assert.Single(list).Data.ToString(Formatting.None));
    }

    [Fact]
    public async Task Read_BothCasings_GiveTheSameEnvelopeKeys()
    {
        var snake = (await Samples.ReadWholeAsync(Samples.Path("compute.googleapis.com__Firewall", "policylib-1.json"), "gcp-cai-asset"))[0].Data;
        var camel = (await Samples.ReadWholeAsync(Samples.Path("compute.googleapis.com__Instance", "c7n-cai-1.json"), "gcp-cai-asset"))[0].Data;

        Assert.Equal(["name", "assetType", "resource", "ancestors"], snake.Properties().Select(p => p.Name));
        Assert.Equal(["name", "assetType", "resource", "ancestors"], camel.Properties().Select(p => p.Name));
        Assert.Equal(
            ((JObject)camel["resource"]!).Properties().Select(p => p.Name).Where(n => n != "location"),
            ((JObject)snake["resource"]!).Properties().Select(p => p.Name));
    }

    [Theory]
    [InlineData("c7n-cai-1.json")]
    [InlineData("c7n-cai-search-1.json")]
    public async Task Read_RecordingsAndSearchResults_AreUnrecognised(string file)
    {
        var (assets, inputs) = await Samples.ReadAsync(Samples.Path("_envelopes", file));

        Assert.Empty(assets);
        Assert.Contains("unrecognised format", Assert.Single(inputs).Error);
    }
}

using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;
using PostureScanner.Gcp.Snapshots;

namespace PostureScanner.Gcp.Tests.Snapshots;

public sealed class GcpAssetCanonicalizerTests
{
    [Theory]
    [InlineData("asset_type", "assetType")]
    [InlineData("audit_log_configs", "auditLogConfigs")]
    [InlineData("discovery_document_uri", "discoveryDocumentUri")]
    [InlineData("assetType", "assetType")]
    [InlineData("_private", "_private")]
    public void ToCamelCase_ExportKeys(string key, string expected) => Assert.Equal(expected, GcpAssetCanonicalizer.ToCamelCase(key));

    [Fact]
    public void Canonicalize_ResourceData_IsLeftAsTheServiceWroteIt()
    {
        var asset = JObject.Parse("""
            {"name": "//x.googleapis.com/projects/p/things/t", "asset_type": "x.googleapis.com/Thing",
             "resource": {"discovery_name": "Thing", "data": {"snake_case_field": "1", "nested": {"other_field": 2}}},
             "org_policy": [{"list_policy": {"allowed_values": ["a"]}}]}
            """);

        GcpAssetCanonicalizer.Canonicalize(asset);

        Assert.Equal(
            """{"name":"//x.googleapis.com/projects/p/things/t","assetType":"x.googleapis.com/Thing","resource":{"discoveryName":"Thing","data":{"snake_case_field":"1","nested":{"other_field":2}}},"orgPolicy":[{"listPolicy":{"allowedValues":["a"]}}]}""",
            asset.ToString(Formatting.None));
    }

    [Theory]
    [InlineData("""{"name": "//cloudresourcemanager.googleapis.com/organizations/1", "assetType": "t"}""", "")]
    [InlineData("""{"name": "//storage.googleapis.com/b", "assetType": "t", "ancestors": ["projects/42", "organizations/1"]}""", "42")]
    [InlineData("""{"name": "//cloudresourcemanager.googleapis.com/projects/42", "assetType": "t"}""", "42")]
    public void ProjectOf_FallsBackToNumbers(string json, string project) =>
        Assert.Equal(project, GcpAssetCanonicalizer.ProjectOf(JObject.Parse(json)));

    [Fact]
    public void ToRawAsset_NoAssetType_Throws()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => GcpAssetCanonicalizer.ToRawAsset(JObject.Parse("""{"name": "n"}""")));

        Assert.Contains("no assetType", ex.Message, StringComparison.Ordinal);
    }
}

using PostureScanner.Testing;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

using static PostureScanner.Azure.Tests.Snapshots.TestSamples;

namespace PostureScanner.Azure.Tests.Snapshots;

public sealed class AzureSnapshotFormatsTests : IDisposable
{
    private const string Subscription = "cfbbd179-59d2-4052-aa06-9270a38aa9d6";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Read_ResourceGraphTable_TurnsRowsIntoObjectsKeyedByColumn()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "specs-resourcegraph-2019-04-01-ResourcesBasicQuery.body.json"), "azure-resource-graph");

        Assert.Equal(3, assets.Count);
        var nic = assets[0];
        Assert.Equal(Provider.Azure, nic.Provider);
        Assert.Equal($"/subscriptions/{Subscription}/resourceGroups/RG1/providers/Microsoft.Network/networkInterfaces/myNetworkInterface", nic.NativeId);
        Assert.Equal("microsoft.network/networkinterfaces", nic.NativeType);
        Assert.Equal(Subscription, nic.Account);
        Assert.Equal("centralus", nic.Region);
        Assert.Equal($"azure/{Subscription}", nic.Scope);
        Assert.Equal(["id", "name", "type", "location", "tags"], nic.Data.Properties().Select(p => p.Name));
        Assert.Equal("Value1", nic.Data.SelectToken("tags.tag1")!.Value<string>());
    }

    [Fact]
    public async Task Read_ResourceGraphBothResultFormats_GiveTheSameRecords()
    {
        var table = await Samples.ReadWholeAsync(Samples.Path("_derived", "specs-resourcegraph-2019-04-01-ResourcesBasicQuery.body.json"), "azure-resource-graph");
        var objects = await Samples.ReadWholeAsync(Samples.Path("_derived", "specs-resourcegraph-2021-03-01-ResourcesBasicQuery.body.json"), "azure-resource-graph");

        Assert.Equal(
            objects.Select(a => a.Data.ToString(Formatting.None)),
            table.Select(a => a.Data.ToString(Formatting.None)));
    }

    [Fact]
    public async Task Read_ResourceGraphPageWithSkipToken_DerivesNestedTypes()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "specs-resourcegraph-2019-04-01-ResourcesQueryOptions.body.json"), "azure-resource-graph");

        Assert.Equal(
            ["microsoft.compute/disks", "microsoft.automation/automationaccounts", "microsoft.automation/automationaccounts/runbooks"],
            assets.Select(a => a.NativeType));
        Assert.Equal(["eastus", "westcentralus", "westcentralus"], assets.Select(a => a.Region));
    }

    [Theory]
    [InlineData("specs-resourcegraph-2019-04-01-ResourcesPropertiesQuery.body.json", "data.rows[0]")]
    [InlineData("specs-resourcegraph-2021-03-01-ResourcesPropertiesQuery.body.json", "data[0]")]
    public async Task Read_ResourceGraphRowsWithoutId_AreAnErrorNamingTheRow(string file, string row)
    {
        var path = Samples.Path("_derived", file);

        var (assets, inputs) = await Samples.ReadAsync(path);

        Assert.Empty(assets);
        var input = Assert.Single(inputs);
        Assert.Equal("azure-resource-graph", input.Format);
        Assert.StartsWith(path + ":", input.Error);
        Assert.Contains($"{row}: no id", input.Error);
    }

    [Fact]
    public async Task Read_AzGraphQueryOutput_IsResourceGraph()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "az-graph-query.json"), "azure-resource-graph");

        Assert.Equal(["Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults", "Microsoft.Network/networkSecurityGroups"], assets.Select(a => a.NativeType));
    }

    [Theory]
    [InlineData("azjava-nextlink-1.json", "Microsoft.KeyVault/vaults", "00000000-0000-0000-0000-000000000000")]
    [InlineData("aznet-nextlink-1.json", "Microsoft.Network/privateDnsZones/CNAME", "0b1f6471-1bf0-4dda-aec3-cb9272f09590")]
    public async Task Read_ArmListPage_ReadsValue(string file, string type, string subscription)
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_envelopes", file), "azure-arm-list");

        var resource = Assert.Single(assets);
        Assert.Equal(type, resource.NativeType);
        Assert.Equal(subscription, resource.Account);
    }

    [Fact]
    public async Task Read_DiagnosticSettingsWithNullType_DeriveTypeFromIdAndRegionGlobal()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "resource-array.json"), "azure-resource-array");

        Assert.Equal(3, assets.Count);
        var setting = assets[0];
        Assert.Equal("microsoft.insights/diagnosticSettings", setting.NativeType);
        Assert.Equal("microsoft.insights/diagnosticSettings", setting.Data["type"]!.Value<string>());
        Assert.Equal("global", setting.Region);
        Assert.Equal("00000000-0000-0000-0000-000000000000", setting.Account);
        Assert.Equal("Microsoft.Storage/storageAccounts", assets[2].NativeType);
    }

    [Fact]
    public async Task Read_SingleResource_IsTheFixtureForm()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("Microsoft.Insights__diagnosticSettings", "aznet-1.json"), "azure-resource");

        var setting = Assert.Single(assets);
        Assert.Equal("microsoft.insights/diagnosticSettings", setting.NativeType);
        Assert.Equal("1c638cf4-608f-4ee6-b680-c329e824c3a8", setting.Account);
        Assert.Equal(7, setting.Data.SelectToken("properties.metrics[0].retentionPolicy.days")!.Value<int>());
    }

    [Theory]
    [InlineData("specs-mysql-2023-12-30-ServerGet.body.json", "southeastasia")]
    [InlineData("specs-storage-2023-01-01-StorageAccountGetPropertiesCMKEnabled.body.json", "eastus2(stage)")]
    public async Task Read_SpecExampleBodies_NormalizeTheRegion(string file, string region)
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", file), "azure-resource");

        Assert.Equal(region, Assert.Single(assets).Region);
    }

    [Fact]
    public async Task Read_JsonLines_ReadsEveryLine()
    {
        var assets = await Samples.ReadWholeAsync(Samples.Path("_derived", "resources.jsonl"), "azure-resource-lines");

        Assert.Equal(["Microsoft.KeyVault/vaults", "Microsoft.Network/networkSecurityGroups"], assets.Select(a => a.NativeType));
    }

    [Theory]
    [InlineData("specs-resourcegraph-2019-04-01-ResourcesBasicQuery.json")]
    [InlineData("specs-storage-2023-01-01-StorageAccountGetPropertiesCMKEnabled.json")]
    public async Task Read_SpecExampleFilesThemselves_AreUnrecognised(string file)
    {
        var (assets, inputs) = await Samples.ReadAsync(Samples.Path("_envelopes", file));

        Assert.Empty(assets);
        Assert.Contains("unrecognised format: a JSON object with properties", Assert.Single(inputs).Error);
    }

    [Fact]
    public async Task Read_TableWithRowsBeforeColumns_StillPairsThem()
    {
        var path = _temp.Write("rows-first.json", """
            {"totalRecords": 1, "count": 1, "resultTruncated": "false",
             "data": {"rows": [["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/disks/d1", "East US"]],
                      "columns": [{"name": "id", "type": "string"}, {"name": "location", "type": "string"}]}}
            """);

        var assets = await Samples.ReadWholeAsync(path, "azure-resource-graph");

        var disk = Assert.Single(assets);
        Assert.Equal("Microsoft.Compute/disks", disk.NativeType);
        Assert.Equal("eastus", disk.Region);
        Assert.Equal("s1", disk.Account);
    }
}

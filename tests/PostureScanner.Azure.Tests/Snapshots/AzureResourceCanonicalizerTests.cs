using Newtonsoft.Json.Linq;
using PostureScanner.Azure.Snapshots;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Azure.Tests.Snapshots;

public sealed class AzureResourceCanonicalizerTests
{
    [Theory]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a", "Microsoft.Storage/storageAccounts")]
    [InlineData("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/x/databases/y", "Microsoft.Sql/servers/databases")]
    [InlineData("/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm/providers/microsoft.insights/diagnosticSettings/d", "microsoft.insights/diagnosticSettings")]
    [InlineData("/subscriptions/s/providers/microsoft.insights/diagnosticSettings/activity", "microsoft.insights/diagnosticSettings")]
    [InlineData("/providers/Microsoft.Management/managementGroups/mg", "Microsoft.Management/managementGroups")]
    [InlineData("/subscriptions/s/resourceGroups/rg", "Microsoft.Resources/resourceGroups")]
    [InlineData("/subscriptions/s", "Microsoft.Resources/subscriptions")]
    public void TypeFromId_ArmIds_GiveTheirType(string id, string type) => Assert.Equal(type, AzureResourceCanonicalizer.TypeFromId(id));

    [Fact]
    public void ToRawAsset_TenantLevelResource_HasNoAccountAndAnUnknownScope()
    {
        var asset = AzureResourceCanonicalizer.ToRawAsset(JObject.Parse("""{"id": "/providers/Microsoft.Management/managementGroups/mg", "type": null, "location": "  West Europe "}"""));

        Assert.Equal("Microsoft.Management/managementGroups", asset.NativeType);
        Assert.Equal("", asset.Account);
        Assert.Equal("azure/unknown", asset.Scope);
        Assert.Equal("westeurope", asset.Region);
    }

    [Fact]
    public void ToRawAsset_NotAnArmId_Throws()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => AzureResourceCanonicalizer.ToRawAsset(JObject.Parse("""{"id": "12", "name": "x"}""")));

        Assert.Contains("not an ARM resource id", ex.Message, StringComparison.Ordinal);
    }
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports.Tests;

/// <summary>Normalized resources built by hand (the mapping engine is tested elsewhere).</summary>
internal static class TestResources
{
    public static Resource Create(Provider provider, string account, string region, string type, string nativeType, string id, string name, string attributesJson)
    {
        var attributes = JObject.Parse(attributesJson);
        return new Resource
        {
            Provider = provider,
            Account = account,
            Region = region,
            Type = type,
            NativeType = nativeType,
            Id = id,
            Name = name,
            Tags = new Dictionary<string, string>(StringComparer.Ordinal),
            Attributes = attributes.Properties().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal),
            Raw = new RawAsset
            {
                Provider = provider,
                Scope = $"{provider.ToName()}:{account}",
                NativeType = nativeType,
                NativeId = id,
                Account = account,
                Region = region,
                Data = new JObject { ["id"] = id },
            },
        };
    }

    public static Resource AwsBucket(string name, string attributesJson) =>
        Create(Provider.Aws, "123456789012", "us-east-1", "object_storage.bucket", "AWS::S3::Bucket", $"arn:aws:s3:::{name}", name, attributesJson);

    public static Resource AzureStorageAccount(string name, string attributesJson) =>
        Create(Provider.Azure, "0b1f6471-1bf0-4dda-aec3-cb9272f09590", "westeurope", "object_storage.bucket", "Microsoft.Storage/storageAccounts",
            $"/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/RG-Prod/providers/Microsoft.Storage/storageAccounts/{name}", name, attributesJson);

    public static Resource GcpBucket(string name, string attributesJson) =>
        Create(Provider.Gcp, "acme-prod", "us", "object_storage.bucket", "storage.googleapis.com/Bucket",
            $"//storage.googleapis.com/{name}", name, attributesJson);
}

using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Mapping;

/// <summary>Where name and tags sit in each cloud's canonical record unless a mapping says otherwise.</summary>
public static class ProviderDefaults
{
    public static string NameExpression(Provider provider) => provider switch
    {
        Provider.Aws => "resourceName || resourceId",
        Provider.Azure => "name",
        // resource.data.name is a full path for many services (projects/p/locations/l/functions/f): show its last segment.
        _ => "split(resource.data.name || name, '/')[-1]",
    };

    public static string TagsExpression(Provider provider) => provider switch
    {
        Provider.Aws => "tags",
        Provider.Azure => "tags",
        _ => "resource.data.labels",
    };
}

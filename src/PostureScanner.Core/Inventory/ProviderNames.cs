namespace PostureScanner.Core.Inventory;

/// <summary>The one spelling of each provider in files, JSON and the database.</summary>
public static class ProviderNames
{
    public static readonly IReadOnlyList<Provider> All = [Provider.Aws, Provider.Azure, Provider.Gcp];

    public static string ToName(this Provider provider) => provider switch
    {
        Provider.Aws => "aws",
        Provider.Azure => "azure",
        Provider.Gcp => "gcp",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public static bool TryParse(string? value, out Provider provider)
    {
        switch (value)
        {
            case "aws": provider = Provider.Aws; return true;
            case "azure": provider = Provider.Azure; return true;
            case "gcp": provider = Provider.Gcp; return true;
            default: provider = default; return false;
        }
    }
}

using PostureScanner.Testing;

namespace PostureScanner.Worker.Tests.Store;

/// <summary>
/// Azure storage accounts for store tests, each a copy of a real-record fixture of
/// object-storage-customer-managed-key (pass: customer-managed key; fail: Microsoft-managed key)
/// renamed so every copy is its own resource.
/// </summary>
internal static class StorageAccounts
{
    public const string Control = "object-storage-customer-managed-key";

    private const string FixtureName = "stg0fd539653cdf";

    private static string Fixture(string status) =>
        RepoPaths.Combine("tests", "PostureScanner.Controls.Tests", "Fixtures", Control, "azure", status + ".json");

    /// <summary>Writes <c>NAME.json</c> holding the pass (compliant) or fail record renamed to <paramref name="name"/>.</summary>
    public static async Task WriteAsync(string folder, string name, bool compliant)
    {
        var text = await File.ReadAllTextAsync(Fixture(compliant ? "pass" : "fail"));
        await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), text.Replace(FixtureName, name, StringComparison.Ordinal));
    }
}

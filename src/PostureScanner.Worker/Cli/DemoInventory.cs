using System.Reflection;

namespace PostureScanner.Worker.Cli;

/// <summary>The demo inventory (repository folder <c>demo/inventory</c>) embedded in the executable, so <c>posture demo</c> works from any directory.</summary>
internal static class DemoInventory
{
    private const string Prefix = "demo/inventory/";

    private static Assembly Assembly => typeof(DemoInventory).Assembly;

    public static IReadOnlyList<string> ResourceNames =>
        Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    public static int FileCount => ResourceNames.Count;

    /// <summary>Writes the embedded files into a new temporary folder and returns it.</summary>
    public static string Extract()
    {
        var root = Directory.CreateTempSubdirectory("posture-demo-").FullName;
        foreach (var name in ResourceNames)
        {
            var path = Path.Combine(root, name[Prefix.Length..].Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var source = Assembly.GetManifestResourceStream(name)!;
            using var target = File.Create(path);
            source.CopyTo(target);
        }

        return root;
    }
}

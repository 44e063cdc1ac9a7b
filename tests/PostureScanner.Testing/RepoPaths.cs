namespace PostureScanner.Testing;

/// <summary>Locates the repository checkout the tests run from (the folder holding PostureScanner.sln).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PostureScanner.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"PostureScanner.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}

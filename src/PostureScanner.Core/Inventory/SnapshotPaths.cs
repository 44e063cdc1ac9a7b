namespace PostureScanner.Core.Inventory;

/// <summary>
/// Turns the paths a user gave into input files: directories are walked recursively, each one's
/// entries in ordinal order; entries whose name starts with a dot (<c>.git</c>, <c>.DS_Store</c>)
/// are skipped inside directories, never when named directly. A path that does not exist or a
/// directory that cannot be listed becomes an input with an error.
/// </summary>
internal static class SnapshotPaths
{
    public static IReadOnlyList<(string Path, string? Error)> Expand(IReadOnlyList<string> paths)
    {
        var result = new List<(string Path, string? Error)>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirectories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                Walk(path, result, seenFiles, seenDirectories);
            }
            else if (File.Exists(path))
            {
                AddFile(path, result, seenFiles);
            }
            else
            {
                result.Add((path, $"{path}: no such file or directory"));
            }
        }

        return result;
    }

    private static void Walk(string directory, List<(string Path, string? Error)> result, HashSet<string> seenFiles, HashSet<string> seenDirectories)
    {
        // A symbolic link back up the tree must not make the walk endless.
        var info = new DirectoryInfo(directory);
        var real = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        if (!seenDirectories.Add(Path.TrimEndingDirectorySeparator(real)))
        {
            return;
        }

        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Add((directory, $"{directory}: cannot list the directory: {ex.Message}"));
            return;
        }

        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (Path.GetFileName(entry).StartsWith('.'))
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                Walk(entry, result, seenFiles, seenDirectories);
            }
            else
            {
                AddFile(entry, result, seenFiles);
            }
        }
    }

    private static void AddFile(string path, List<(string Path, string? Error)> result, HashSet<string> seenFiles)
    {
        if (seenFiles.Add(Path.GetFullPath(path)))
        {
            result.Add((path, null));
        }
    }
}

using Xunit;

namespace PostureScanner.Testing;

/// <summary>
/// Golden-file asserts (sarif-sdk style, CONVENTIONS 3.15): compare output with a committed
/// <c>expected.*</c>; on a mismatch write <c>actual.*</c> next to it (gitignored) and fail with the one
/// command that rebaselines. With <see cref="RebaselineVariable"/>=1 the expected file is rewritten instead.
/// </summary>
public static class GoldenFile
{
    public const string RebaselineVariable = "POSTURE_REBASELINE";

    public static bool Rebaselining => Environment.GetEnvironmentVariable(RebaselineVariable) == "1";

    /// <param name="expectedPath">The committed file, e.g. <c>Fixtures/Scenario/expected.sarif</c> in the source tree.</param>
    /// <param name="actual">The output, volatile fields already normalized.</param>
    /// <param name="testProject">The test project folder relative to the repository root, for the rebaseline command.</param>
    public static void AssertMatches(string expectedPath, string actual, string testProject)
    {
        ArgumentNullException.ThrowIfNull(expectedPath);
        ArgumentNullException.ThrowIfNull(actual);
        var directory = Path.GetDirectoryName(expectedPath)!;
        var actualPath = Path.Combine(directory, "actual" + Path.GetExtension(expectedPath));
        if (Rebaselining)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(expectedPath, actual);
            File.Delete(actualPath);
            return;
        }

        var command = $"{RebaselineVariable}=1 dotnet test {testProject}";
        if (!File.Exists(expectedPath))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(actualPath, actual);
            Assert.Fail($"{expectedPath} does not exist; the output is in {actualPath}. If it is right, create the golden files with:\n  {command}");
        }

        var expected = File.ReadAllText(expectedPath);
        if (Normalize(expected) == Normalize(actual))
        {
            File.Delete(actualPath);
            return;
        }

        File.WriteAllText(actualPath, actual);
        Assert.Fail($"{expectedPath} differs from the output ({FirstDifference(Normalize(expected), Normalize(actual))}).\n" +
            $"  diff {expectedPath} {actualPath}\nIf the new output is right, rebaseline with:\n  {command}");
    }

    /// <summary>Line ends do not count (a checkout may convert them); everything else does.</summary>
    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al)
            {
                return $"first at line {i + 1}: expected `{el.Trim()}`, actual `{al.Trim()}`";
            }
        }

        return "same lines";
    }
}

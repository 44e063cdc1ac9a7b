using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PostureScanner.Testing;

namespace PostureScanner.Reports.Tests;

/// <summary>Runs a writer into memory and compares with golden files.</summary>
internal static partial class ReportOutput
{
    public const string TestProject = "tests/PostureScanner.Reports.Tests";

    public static async Task<string> RenderAsync(IReportWriter writer, ScanReport report)
    {
        using var stream = new MemoryStream();
        await writer.WriteAsync(report, stream, CancellationToken.None);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static async Task<JsonNode> RenderJsonAsync(IReportWriter writer, ScanReport report) =>
        JsonNode.Parse(await RenderAsync(writer, report))!;

    /// <summary>
    /// Replaces what changes from run to run (times) so that golden files stay put. The stand-in is a valid
    /// date-time: the SARIF multitool silently skips every rule on a log it cannot deserialize.
    /// </summary>
    public static string NormalizeVolatile(string text) => Times().Replace(text, "\"$1\": \"2000-01-01T00:00:00.000Z\"");

    public static void AssertGolden(string scenario, string fileName, string actual) =>
        GoldenFile.AssertMatches(RepoPaths.Combine("tests", "PostureScanner.Reports.Tests", "Fixtures", scenario, fileName), NormalizeVolatile(actual), TestProject);

    [GeneratedRegex("\"(startTimeUtc|endTimeUtc|timeUtc)\": \"[^\"]*\"")]
    private static partial Regex Times();
}

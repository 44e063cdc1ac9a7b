using System.Globalization;
using System.Text;
using System.Text.Json;
using PostureScanner.Testing;
using PostureScanner.Worker.Cli;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Worker.Tests.Cli;

/// <summary>
/// The demo knows its answer (DECISIONS 11): scanning the demo inventory must fail exactly the controls
/// that demo/expected-findings.yaml lists for each resource (written from the hand-made design of the bad
/// resources, demo/design.yaml), nothing missing and nothing extra, and read every file form it holds.
/// Age-based controls compare with the scan clock, so these scans run at the demo snapshot's date
/// (<c>as-of</c> in the expected findings); <see cref="Scan_DemoInventory_Today_StillFindsEveryKnownBadResource"/>
/// checks the real clock too.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    /// <summary>Every file form the demo inventory is meant to exercise (format names of the scan's inputs).</summary>
    private static readonly string[] IntendedFormats =
    [
        "aws-config-snapshot", "aws-config-select", "aws-config-batch-get", "aws-config-history",
        "azure-resource-graph", "azure-arm-list", "azure-resource-array",
        "gcp-cai-export", "gcp-cai-iam-policies", "gcp-cai-assets-page", "gcp-cai-iam-policies-page",
    ];

    /// <summary>Controls whose result depends on the scan date (a creation or key time compared with now).</summary>
    private static readonly string[] AgeControls = ["compute-instance-max-age", "identity-access-key-rotated"];

    private static readonly Lazy<ExpectedFindings> Expected = new(ExpectedFindings.Load);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("posture-demo-");

    private static string Inventory => RepoPaths.Combine("demo", "inventory");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Demo_Json_FailsExactlyTheExpectedFindings()
    {
        var result = await RunAtAsOfAsync("demo", "--format", "json", "--database", "none");
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        AssertExactly(Expected.Value.Failures, Failures(doc), "posture demo --format json");
        AssertInputsRead(doc);
    }

    [Fact]
    public async Task Scan_DemoInventory_FailsExactlyTheExpectedFindings_AndReadsEveryFormat()
    {
        var result = await RunAtAsOfAsync("scan", "--snapshot", Inventory, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        AssertExactly(Expected.Value.Failures, Failures(doc), "posture scan --snapshot demo/inventory --format json");
        AssertInputsRead(doc);

        // Both Resource Graph result formats and the gzipped S3 snapshot are among the inputs.
        var inputs = doc.RootElement.GetProperty("scan").GetProperty("inputs").EnumerateArray()
            .ToDictionary(i => Path.GetFileName(i.GetProperty("path").GetString()!), i => i.GetProperty("format").GetString(), StringComparer.Ordinal);
        Assert.Contains(inputs, i => i.Key.EndsWith(".json.gz", StringComparison.Ordinal) && i.Value == "aws-config-snapshot");
        Assert.Contains(inputs, i => i.Key.EndsWith("_table.json", StringComparison.Ordinal) && i.Value == "azure-resource-graph");
        Assert.Contains(inputs, i => !i.Key.EndsWith("_table.json", StringComparison.Ordinal) && i.Value == "azure-resource-graph");

        // Every cloud has good and bad resources, and no evaluation errored.
        var evaluations = doc.RootElement.GetProperty("scan").GetProperty("evaluations");
        Assert.Equal(0, evaluations.GetProperty("error").GetInt64());
        Assert.Equal(Expected.Value.Failures.Values.Sum(c => c.Count), evaluations.GetProperty("fail").GetInt64());
        foreach (var provider in (string[])["aws", "azure", "gcp"])
        {
            Assert.Contains(Expected.Value.Failures.Keys, id => ProviderOf(id) == provider);
        }
    }

    [Fact]
    public async Task Demo_Table_PrintsTheSummary()
    {
        var result = await RunAtAsOfAsync("demo", "--database", "none");
        Assert.True(result.ExitCode == 0, result.Error);
        var failures = Expected.Value.Failures;
        Assert.Contains("Scanning the demo inventory (" + DemoInventory.FileCount.ToString(CultureInfo.InvariantCulture) + " files", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"scanned \d[\d,]* records \(\d[\d,]* resources, 0 of unmapped types\) against \d+ controls", result.Out);
        Assert.Contains(" fail " + failures.Values.Sum(c => c.Count).ToString("N0", CultureInfo.InvariantCulture) + " ", result.Out, StringComparison.Ordinal);
        Assert.Contains(" error 0 ", result.Out, StringComparison.Ordinal);
        Assert.Contains("failures by severity: critical ", result.Out, StringComparison.Ordinal);
        var byCloud = string.Join("  ", ((string[])["aws", "azure", "gcp"]).Select(p =>
            p + " " + failures.Where(f => ProviderOf(f.Key) == p).Sum(f => f.Value.Count).ToString(CultureInfo.InvariantCulture)));
        Assert.Contains("failures by cloud:    " + byCloud, result.Out, StringComparison.Ordinal);

        // The findings table names every bad resource's failing controls; critical ones come first.
        foreach (var control in failures.Values.SelectMany(c => c).Distinct(StringComparer.Ordinal))
        {
            Assert.Contains(control, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Demo_EmbedsTheRepositoryInventory()
    {
        // posture demo scans the copy embedded at build time: it must be the committed demo/inventory.
        var onDisk = Directory.EnumerateFiles(Inventory, "*", SearchOption.AllDirectories)
            .Select(f => "demo/inventory/" + Path.GetRelativePath(Inventory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(onDisk, DemoInventory.ResourceNames);
        var extracted = DemoInventory.Extract();
        try
        {
            foreach (var name in onDisk)
            {
                var relative = name["demo/inventory/".Length..];
                Assert.True(
                    File.ReadAllBytes(Path.Combine(Inventory, relative)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(extracted, relative))),
                    $"{name}: the embedded copy differs from the repository's; rebuild PostureScanner.Worker after scripts/demo/build_demo.py");
            }
        }
        finally
        {
            Directory.Delete(extracted, recursive: true);
        }
    }

    [Fact]
    public async Task Scan_DemoInventory_Today_StillFindsEveryKnownBadResource()
    {
        // At the real date every designed failure is still found; what is extra can only come from the
        // age-based controls (instances and keys that were recent at the snapshot date grow old).
        var result = await CliRunner.RunAsync("scan", "--snapshot", Inventory, "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = JsonDocument.Parse(result.Out);
        var actual = Failures(doc);
        var problems = new StringBuilder();
        foreach (var (id, controls) in Expected.Value.Failures)
        {
            foreach (var control in controls.Where(c => !actual.TryGetValue(id, out var found) || !found.Contains(c)))
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"  missing  {id}  {control}");
            }
        }

        foreach (var (id, controls) in actual)
        {
            foreach (var control in controls.Where(c => !AgeControls.Contains(c, StringComparer.Ordinal)
                && (!Expected.Value.Failures.TryGetValue(id, out var designed) || !designed.Contains(c))))
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"  extra    {id}  {control}");
            }
        }

        Assert.True(problems.Length == 0, "the demo scan at today's date differs from demo/expected-findings.yaml beyond the age-based controls:\n" + problems);
    }

    [Fact]
    public async Task Scan_DemoInventory_Sarif_PassesSchemaAndTheOfficialValidator()
    {
        var output = Path.Combine(_dir.FullName, "demo.sarif");
        var result = await RunAtAsOfAsync("scan", "--snapshot", Inventory, "--format", "sarif", "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);
        var sarif = await File.ReadAllTextAsync(output);
        var schema = await JsonSchemaAssert.LoadAsync(JsonSchemaAssert.SarifSchemaPath);
        JsonSchemaAssert.Valid(schema, sarif, "SARIF of the demo inventory");

        // One fail result per designed failure.
        using (var doc = JsonDocument.Parse(sarif))
        {
            var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(Expected.Value.Failures.Values.Sum(c => c.Count), results.Count(r => r.GetProperty("kind").GetString() == "fail"));
        }

        await SarifMultitool.AssertValidAsync(output);
    }

    /// <summary>Runs the CLI in-process with the clock at the demo snapshot's date.</summary>
    private static async Task<CliRunner.Result> RunAtAsOfAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PostureCli.RunAsync(args, new CliContext(stdout, stderr, new FixedTime(Expected.Value.AsOf)), CancellationToken.None);
        return new CliRunner.Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The failing results of a <c>--format json</c> report: native resource id → control ids.</summary>
    private static Dictionary<string, SortedSet<string>> Failures(JsonDocument doc)
    {
        var failures = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("status").GetString() == "fail"))
        {
            var id = r.GetProperty("resourceId").GetString()!;
            if (!failures.TryGetValue(id, out var controls))
            {
                failures[id] = controls = new SortedSet<string>(StringComparer.Ordinal);
            }

            controls.Add(r.GetProperty("controlId").GetString()!);
        }

        return failures;
    }

    private static void AssertExactly(IReadOnlyDictionary<string, SortedSet<string>> expected, Dictionary<string, SortedSet<string>> actual, string what)
    {
        var message = new StringBuilder();
        foreach (var id in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            var want = expected.TryGetValue(id, out var e) ? e : [];
            var got = actual.TryGetValue(id, out var a) ? a : [];
            foreach (var control in want.Except(got))
            {
                message.AppendLine(CultureInfo.InvariantCulture, $"  missing  {id}  {control}");
            }

            foreach (var control in got.Except(want))
            {
                message.AppendLine(CultureInfo.InvariantCulture, $"  extra    {id}  {control}");
            }
        }

        Assert.True(message.Length == 0,
            $"{what} differs from demo/expected-findings.yaml (missing: designed to fail but did not; extra: failed but not designed to).\n" +
            "Fix the design (demo/design.yaml) or the content, then run `python3 scripts/demo/build_demo.py` and rebuild:\n" + message);
    }

    private static void AssertInputsRead(JsonDocument doc)
    {
        var inputs = doc.RootElement.GetProperty("scan").GetProperty("inputs").EnumerateArray().ToList();
        Assert.NotEmpty(inputs);
        Assert.All(inputs, i => Assert.True(i.GetProperty("error").ValueKind == JsonValueKind.Null, $"{i.GetProperty("path").GetString()}: {i.GetProperty("error")}"));
        var formats = inputs.Select(i => i.GetProperty("format").GetString()!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(IntendedFormats.Order(StringComparer.Ordinal), formats.Order(StringComparer.Ordinal));
    }

    private static string ProviderOf(string nativeId) =>
        nativeId.StartsWith("arn:", StringComparison.Ordinal) ? "aws"
        : nativeId.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ? "azure"
        : nativeId.StartsWith("//", StringComparison.Ordinal) ? "gcp"
        : throw new InvalidOperationException($"cannot tell the cloud of {nativeId}");

    /// <summary>demo/expected-findings.yaml: <c>as-of</c> and <c>expected-failures</c> (native id → control ids).</summary>
    private sealed record ExpectedFindings(DateTimeOffset AsOf, IReadOnlyDictionary<string, SortedSet<string>> Failures)
    {
        public static ExpectedFindings Load()
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(RepoPaths.Combine("demo", "expected-findings.yaml")))
            {
                stream.Load(reader);
            }

            var root = (YamlMappingNode)stream.Documents[0].RootNode;
            var asOf = DateTimeOffset.Parse(((YamlScalarNode)root.Children[new YamlScalarNode("as-of")]).Value!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var failures = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var (key, value) in (YamlMappingNode)root.Children[new YamlScalarNode("expected-failures")])
            {
                failures[((YamlScalarNode)key).Value!] = new SortedSet<string>(((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value!), StringComparer.Ordinal);
            }

            return new ExpectedFindings(asOf, failures);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

using System.Text.RegularExpressions;
using System.Text.Json;
using Npgsql;
using PostureScanner.Testing;
using PostureScanner.Testing.Postgres;

namespace PostureScanner.Worker.Tests.Store;

/// <summary><c>posture scan --database CONN</c> against a real PostgreSQL, then the read verbs.</summary>
public sealed class ScanCommandStoreTests : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("posture-store-");
    private readonly StoreCli _cli;
    private readonly string _connectionString;
    private readonly PostgresFixture _fixture;

    public ScanCommandStoreTests(PostgresFixture fixture)
    {
        _fixture = fixture;
        _connectionString = fixture.ConnectionString;
        _cli = new StoreCli(fixture.ConnectionString);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Scan_DemoInventory_StoresOneFindingPerReportedEvaluation()
    {
        // Every result the report shows is a finding in the store. (Keyed by native id alone, the store once
        // dropped the second resource of a record that maps to two types: every GCP bucket's findings.)
        var report = Path.Combine(_dir.FullName, "report.json");
        var scan = await _cli.RunAsync("scan", "--snapshot", RepoPaths.Combine("demo", "inventory"), "--target", "demo-all",
            "--include-passes", "--format", "json", "--output", report);
        Assert.True(scan.ExitCode is 0 or 1, scan.Error);

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(report));
        var reported = doc.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (Control: r.GetProperty("controlId").GetString(), Type: r.GetProperty("type").GetString())).ToList();
        var stored = await CountAsync(
            "select count(*) from findings f join scopes sc on sc.id = f.scope_id join targets t on t.id = sc.target_id where t.name = $1", "demo-all");

        Assert.Contains(reported, r => r.Type == "iam.binding");
        Assert.Contains(reported, r => r.Type == "object_storage.bucket");
        Assert.Equal(reported.Count, stored);
    }

    [Fact]
    public async Task Scan_SameGeneratedInventoryTwice_AfterResourcesChangedAndMoved_SecondScanWritesNoFindingOrEvent()
    {
        // The generator's day two gives 10% of the records another template of their type (same ids),
        // some of them in another scope. The day-two snapshot scanned twice: the second scan finds nothing
        // to write. (Before, a moved resource's finding that its new scope no longer produced was resolved
        // by the old scope one scan later.)
        var (day1, day2) = await GenerateTwoDaysAsync(seed: 7, changePercent: 10);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        async Task<Dictionary<string, long>> ScopesAsync()
        {
            await using var command = new NpgsqlCommand(
                "select r.resource_key, r.scope_id from resources r join scopes sc on sc.id = r.scope_id join targets t on t.id = sc.target_id where t.name = 'generated'",
                connection);
            await using var reader = await command.ExecuteReaderAsync();
            var scopes = new Dictionary<string, long>();
            while (await reader.ReadAsync())
            {
                scopes[reader.GetString(0)] = reader.GetInt64(1);
            }

            return scopes;
        }

        var scopes = new List<Dictionary<string, long>>();
        foreach (var day in (string[])[day1, day2, day2])
        {
            var scan = await _cli.RunAsync("scan", "--snapshot", day, "--target", "generated", "--format", "json", "--output", Path.Combine(_dir.FullName, "report.json"));
            Assert.True(scan.ExitCode is 0 or 1, scan.Error);
            scopes.Add(await ScopesAsync());
        }

        var moved = scopes[0].Count(r => scopes[1].TryGetValue(r.Key, out var now) && now != r.Value);
        Assert.True(moved > 0, "no resource moved scope on day two: the test proves nothing");
        var scans = await _cli.ScanIdsAsync("generated");
        Assert.Equal(3, scans.Length);
        Assert.True(await CountAsync("select count(*) from finding_events where scan_id = $1", scans[1]) > 0, "day two changed nothing: the test proves nothing");
        Assert.Equal(0, await CountAsync("select count(*) from findings where last_scan_id = $1", scans[2]));
        Assert.Equal(0, await CountAsync("select count(*) from finding_events where scan_id = $1", scans[2]));
    }

    [Fact]
    public async Task Scan_SummaryFormat_KeepsUnchangedRecordsUnparsed_AndStoresAndCountsWhatAFullScanDoes()
    {
        // Two stores, the same two days: one re-scans with --format summary (unchanged records are kept
        // unparsed and counted from the store), the other with a JSON report (every record evaluated).
        // Counts, merge figures and every stored finding must be the same. (Two databases: a resource is
        // one resource in a store, whichever target scans it.)
        var (day1, day2) = await GenerateTwoDaysAsync(seed: 11, changePercent: 5);
        var keptStore = await _fixture.CreateDatabaseAsync("kept");
        var fullStore = await _fixture.CreateDatabaseAsync("full");
        foreach (var store in (string[])[keptStore, fullStore])
        {
            var first = await new StoreCli(store).RunAsync("scan", "--snapshot", day1, "--target", "gen", "--format", "summary");
            Assert.True(first.ExitCode is 0 or 1, first.Error);
            Assert.DoesNotContain("unchanged:", first.Out, StringComparison.Ordinal);
        }

        var kept = await new StoreCli(keptStore).RunAsync("scan", "--snapshot", day2, "--target", "gen", "--format", "summary");
        var full = await new StoreCli(fullStore).RunAsync("scan", "--snapshot", day2, "--target", "gen", "--format", "json", "--output", Path.Combine(_dir.FullName, "full.json"));
        Assert.True(kept.ExitCode is 0 or 1, kept.Error);
        Assert.True(full.ExitCode is 0 or 1, full.Error);

        static string[] Figures(string output) => [.. output.Split('\n')
            .Where(l => l.StartsWith("evaluations:", StringComparison.Ordinal) || l.StartsWith("failures by", StringComparison.Ordinal)
                        || l.StartsWith("merge:", StringComparison.Ordinal))
            .Select(l => l.TrimEnd())];
        static string Scanned(string output) => output.Split('\n').Single(l => l.StartsWith("scanned ", StringComparison.Ordinal)).Split(" in ")[0];
        Assert.Equal(4, Figures(full.Error).Length);
        Assert.Equal(Figures(full.Error), Figures(kept.Out));
        Assert.Equal(Scanned(full.Error), Scanned(kept.Out));
        var unchanged = long.Parse(Regex.Match(kept.Out, @"unchanged: ([\d,]+) records").Groups[1].Value.Replace(",", "", StringComparison.Ordinal),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(unchanged, 1500, 2950);
        Assert.Equal(await FindingStatesAsync(fullStore), await FindingStatesAsync(keptStore));

        // Nothing changed since: more records are kept, and still nothing is written.
        var again = await new StoreCli(keptStore).RunAsync("scan", "--snapshot", day2, "--target", "gen", "--format", "summary");
        Assert.Equal(Figures(full.Error)[..3], Figures(again.Out)[..3]);
        Assert.Contains("findings 0 new, 0 changed, 0 resolved, 0 no longer present", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SummaryFormat_FilesReadSideBySide_StoreWhatOneReaderStores_CopiesAndJoinsIncluded()
    {
        // The demo inventory (GCP IAM policies joined with resources of other files) with a generated one
        // in files of 150 records, plus changed copies of resources in files read before or after the
        // originals (same ids, same scopes). Three stores: a JSON report (one reader, every record parsed),
        // --format summary on one worker, and on three workers that may hold only 50 prepared rows ahead
        // of the file in turn (so they wait for it). Which copy wins, whether a kept or a parsed record
        // took a resource first, what is joined and counted must not depend on the workers.
        var generated = Path.Combine(_dir.FullName, "generated");
        Assert.Equal(0, (await Cli.CliRunner.RunAsync("dev", "generate", "--output", generated, "--resources", "3000", "--seed", "5", "--records-per-file", "150")).ExitCode);
        var aws0 = await File.ReadAllTextAsync(Path.Combine(generated, "aws-config-snapshot-00000.json"));
        var aws3 = await File.ReadAllTextAsync(Path.Combine(generated, "aws-config-snapshot-00003.json"));
        var changed0 = aws0.Replace("\"blockPublicAcls\":true", "\"blockPublicAcls\":false", StringComparison.Ordinal)
            .Replace("\"encrypted\":true", "\"encrypted\":false", StringComparison.Ordinal);
        var changed3 = aws3.Replace("\"configurationItemStatus\":\"OK\"", "\"configurationItemStatus\":\"ResourceDiscovered\"", StringComparison.Ordinal)
            .Replace("\"multiAZ\":true", "\"multiAZ\":false", StringComparison.Ordinal);
        Assert.NotEqual(aws0, changed0);
        Assert.NotEqual(aws3, changed3);
        async Task<string> InventoryAsync(string name, params (string File, string Text)[] copies)
        {
            var dir = Path.Combine(_dir.FullName, name);
            CopyDirectory(RepoPaths.Combine("demo", "inventory"), Path.Combine(dir, "demo"));
            CopyDirectory(generated, Path.Combine(dir, "generated"));
            foreach (var (file, text) in copies)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, "generated", file), text);
            }

            return dir;
        }

        // First scan: a changed copy read before its originals (it wins) and one read after (it loses).
        // Second scan: the copy that won, now stored, is kept before the originals it beat (kept first);
        // the copy that lost, never stored, is parsed just before its originals, which are kept (parsed first).
        var first = await InventoryAsync("first", ("aws-config-snapshot-0.json", changed0), ("aws-config-snapshot-zz.json", changed3));
        var second = await InventoryAsync("second", ("aws-config-snapshot-0.json", changed0), ("aws-config-snapshot-00002.json", changed3));
        var reference = await _fixture.CreateDatabaseAsync("oneparsed");
        var oneWorker = await _fixture.CreateDatabaseAsync("oneworker");
        var threeWorkers = await _fixture.CreateDatabaseAsync("threeworkers");
        var kept = new List<string>();
        foreach (var inventory in (string[])[first, second])
        {
            var full = await new StoreCli(reference).RunAsync("scan", "--snapshot", inventory, "--target", "mix", "--format", "json",
                "--output", Path.Combine(_dir.FullName, "full.json"));
            Assert.True(full.ExitCode is 0 or 1, full.Error);
            var one = await new StoreCli(oneWorker).RunAsync("scan", "--snapshot", inventory, "--target", "mix", "--format", "summary", "--parallel", "1");
            Assert.True(one.ExitCode is 0 or 1, one.Error);
            var three = await ScanDirectAsync(threeWorkers, inventory, workers: 3, maxRowsAhead: 50);

            Assert.Equal(Figures(full.Error), Figures(one.Out));
            Assert.Equal(Figures(one.Out), Figures(three.Summary));
            Assert.Equal(Inputs(full.Error), Inputs(one.Out));
            Assert.Equal(Inputs(one.Out), Inputs(three.Summary));
            Assert.Equal(await FindingStatesAsync(reference), await FindingStatesAsync(oneWorker));
            Assert.Equal(await FindingStatesAsync(oneWorker), await FindingStatesAsync(threeWorkers));
            Assert.Equal(await ResourceStatesAsync(oneWorker), await ResourceStatesAsync(threeWorkers));
            Assert.Equal(Kept(one.Out), Kept(three.Summary));
            kept.Add(Kept(one.Out));
        }

        // The first scan had nothing to keep; the second kept the records stored the same (copies included).
        Assert.Equal("", kept[0]);
        Assert.Matches(@"^unchanged: [\d,]+ records", kept[1]);
    }

    [Fact]
    public async Task Scan_SameResourceInTwoScopes_FirstReadWins_WhicheverWorkersAndMergesRunFirst()
    {
        // AWS Config records a global resource in every region that records global resources: the same ARN
        // under two scopes of one scan. A copy of two generated files with another region (and a changed
        // setting) is read before the originals of one and after those of the other. Before, both scopes
        // staged such a resource and whichever merge ran last decided its scope and record hash.
        var generated = Path.Combine(_dir.FullName, "generated");
        Assert.Equal(0, (await Cli.CliRunner.RunAsync("dev", "generate", "--output", generated, "--resources", "1500", "--seed", "9", "--records-per-file", "150")).ExitCode);
        string Elsewhere(string file) => Regex.Replace(File.ReadAllText(Path.Combine(generated, file)), "\"awsRegion\":\"[^\"]*\"", "\"awsRegion\":\"ap-south-2\"")
            .Replace("\"encrypted\":true", "\"encrypted\":false", StringComparison.Ordinal);
        var copy0 = Elsewhere("aws-config-snapshot-00000.json");
        var copy3 = Elsewhere("aws-config-snapshot-00003.json");
        HashSet<string> Arns(string json) => [.. JsonDocument.Parse(json).RootElement.GetProperty("configurationItems").EnumerateArray().Select(i => i.GetProperty("arn").GetString()!)];
        var arns0 = Arns(copy0);
        var arns3 = Arns(copy3);
        string Inventory(string name, params (string File, string Text)[] copies)
        {
            var dir = Path.Combine(_dir.FullName, name);
            CopyDirectory(generated, dir);
            foreach (var (file, text) in copies)
            {
                File.WriteAllText(Path.Combine(dir, file), text);
            }

            return dir;
        }

        // "0" sorts before the generated files, "zz" after. The third scan swaps which copy comes first, so
        // parsed-before-kept and kept-before-parsed both happen across scopes.
        var firstOrder = Inventory("first", ("aws-config-snapshot-0.json", copy0), ("aws-config-snapshot-zz.json", copy3));
        var swapped = Inventory("swapped", ("aws-config-snapshot-0.json", copy3), ("aws-config-snapshot-zz.json", copy0));
        var reference = await _fixture.CreateDatabaseAsync("xscope_ref");
        var oneWorker = await _fixture.CreateDatabaseAsync("xscope_one");
        var threeWorkers = await _fixture.CreateDatabaseAsync("xscope_three");
        var copiedIn = new List<HashSet<string>>();
        var summaries = new List<string>();
        foreach (var inventory in (string[])[firstOrder, firstOrder, swapped, swapped])
        {
            var full = await new StoreCli(reference).RunAsync("scan", "--snapshot", inventory, "--target", "x", "--format", "json",
                "--output", Path.Combine(_dir.FullName, "full.json"));
            Assert.True(full.ExitCode is 0 or 1, full.Error);
            var one = await new StoreCli(oneWorker).RunAsync("scan", "--snapshot", inventory, "--target", "x", "--format", "summary", "--parallel", "1");
            Assert.True(one.ExitCode is 0 or 1, one.Error);
            var three = await ScanDirectAsync(threeWorkers, inventory, workers: 3, maxRowsAhead: 50, target: "x");

            Assert.Equal(Figures(full.Error), Figures(one.Out));
            Assert.Equal(Figures(one.Out), Figures(three.Summary));
            var states = await ResourceStatesAsync(reference);
            Assert.Equal(states, await ResourceStatesAsync(oneWorker));
            Assert.Equal(states, await ResourceStatesAsync(threeWorkers));
            Assert.Equal(await FindingStatesAsync(reference), await FindingStatesAsync(threeWorkers));
            copiedIn.Add(await KeysInScopeAsync(reference, "/ap-south-2"));
            summaries.Add(three.Summary);
        }

        // The copy read first holds the resource (a scope wins, not a merge), and scanning the same
        // inventory again moves nothing and writes nothing.
        Assert.Equal(arns0, copiedIn[0]);
        Assert.Equal(arns3, copiedIn[2]);
        Assert.Equal(copiedIn[0], copiedIn[1]);
        Assert.Equal(copiedIn[2], copiedIn[3]);
        Assert.Contains("findings 0 new, 0 changed, 0 resolved, 0 no longer present", summaries[1], StringComparison.Ordinal);
        Assert.Contains("findings 0 new, 0 changed, 0 resolved, 0 no longer present", summaries[3], StringComparison.Ordinal);
        Assert.DoesNotContain("findings 0 new, 0 changed, 0 resolved, 0 no longer present", summaries[2], StringComparison.Ordinal);
    }

    private static async Task<HashSet<string>> KeysInScopeAsync(string connectionString, string scopeSuffix)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select split_part(r.resource_key, '|', 2) from resources r join scopes sc on sc.id = r.scope_id
            where sc.name like '%' || $1 and r.deleted_at is null
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = scopeSuffix });
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static string Kept(string output) => output.Split('\n').SingleOrDefault(l => l.StartsWith("unchanged:", StringComparison.Ordinal))?.Split(" byte")[0] ?? "";

    private static string[] Figures(string output) => [.. output.Split('\n')
        .Where(l => l.StartsWith("evaluations:", StringComparison.Ordinal) || l.StartsWith("failures by", StringComparison.Ordinal)
                    || l.StartsWith("merge:", StringComparison.Ordinal) || l.StartsWith("scanned ", StringComparison.Ordinal))
        .Select(l => l.Split(" in ")[0].TrimEnd())];

    private static string[] Inputs(string output) => [.. output.Split('\n').Where(l => l.StartsWith("input ", StringComparison.Ordinal)).Select(l => l.Trim())];

    /// <summary>A stored <c>--format summary</c> scan run through <see cref="PostureScanner.Worker.Cli.StoredScan"/> directly, to set what the CLI does not.</summary>
    private static async Task<(int ExitCode, string Summary)> ScanDirectAsync(string connectionString, string inventory, int workers, int maxRowsAhead, string target = "mix")
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var cli = new PostureScanner.Worker.Cli.CliContext(stdout, stderr, TimeProvider.System);
        var (options, error) = PostureScanner.Worker.Cli.StoreOptions.Parse(connectionString, null);
        Assert.True(options is not null, error);
        await using var session = await PostureScanner.Worker.Cli.StoreSession.OpenAsync(cli, options, CancellationToken.None);
        var content = PostureScanner.Worker.Cli.ScanContent.Load(null, null);
        var (outcome, store) = await PostureScanner.Worker.Cli.StoredScan.RunAsync(content, PostureScanner.Core.Policy.ScanPolicy.Default, [inventory], [],
            includePasses: false, keepRecords: true, progress: null, TimeProvider.System, session, target, hooks: null, workers, CancellationToken.None, maxRowsAhead);
        using (outcome)
        {
            PostureScanner.Worker.Cli.ScanSummaryWriter.WriteSummary(stdout, outcome, TimeSpan.Zero);
            PostureScanner.Worker.Cli.StoredScan.WriteSummary(stdout, store, session.Database.Description);
        }

        return (0, stdout.ToString());
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task<List<string>> ResourceStatesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select r.provider || ' ' || r.resource_key || ' ' || sc.name || ' ' || coalesce(r.record_hash::text, '-') || ' ' || r.content_hash::text
                   || ' ' || (r.deleted_at is null)
            from resources r join scopes sc on sc.id = r.scope_id
            order by 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new List<string>();
        while (await reader.ReadAsync())
        {
            states.Add(reader.GetString(0));
        }

        return states;
    }

    [Fact]
    public async Task Scan_SummaryFormat_RecordIsReadAgainOnceTheClockCanChangeItsResult_OrUnderAnotherPolicy()
    {
        // compute-instance-max-age: an instance launched 2026-09-30 passes until 180 days later
        // (2027-03-29); one launched in 2016 fails for good. Both records stay byte for byte the same: the
        // young one is kept unparsed only until it can age out, then read again, and now fails.
        // The two fixtures are the same instance at two ages: the young one gets an id of its own.
        var young = await File.ReadAllTextAsync(RepoPaths.Combine("tests", "PostureScanner.Controls.Tests", "Fixtures", "compute-instance-max-age", "aws", "pass.json"));
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "young.json"), young.Replace("i-094bc87c84d56c589", "i-0f00000000000young", StringComparison.Ordinal));
        File.Copy(RepoPaths.Combine("tests", "PostureScanner.Controls.Tests", "Fixtures", "compute-instance-max-age", "aws", "fail.json"),
            Path.Combine(_dir.FullName, "old.json"));
        File.Copy(RepoPaths.Combine("tests", "PostureScanner.Controls.Tests", "Fixtures", "block-storage-encrypted", "aws", "fail.json"),
            Path.Combine(_dir.FullName, "volume.json"));
        var policy = Path.Combine(_dir.FullName, "..", $"{_dir.Name}-policy.yaml");
        await File.WriteAllTextAsync(policy, "overrides:\n  block-storage-encrypted: { severity: critical }\n");
        try
        {
            async Task<string> ScanAsync(DateTimeOffset day, params string[] extra)
            {
                var result = await _cli.RunAsync(new Cli.CliRunner.FixedTime(day),
                    ["scan", "--snapshot", _dir.FullName, "--target", "clock", "--format", "summary", .. extra]);
                Assert.True(result.ExitCode is 0 or 1, result.Error);
                return result.Out;
            }

            var first = await ScanAsync(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
            Assert.DoesNotContain("unchanged:", first, StringComparison.Ordinal);
            var beforeHorizon = await ScanAsync(new DateTimeOffset(2027, 3, 1, 6, 0, 0, TimeSpan.Zero));
            Assert.Contains("unchanged: 3 records", beforeHorizon, StringComparison.Ordinal);
            Assert.Equal(FailureLine(first), FailureLine(beforeHorizon));
            Assert.Equal(1, await FailingAsync("clock", "compute-instance-max-age"));

            var afterHorizon = await ScanAsync(new DateTimeOffset(2027, 4, 1, 6, 0, 0, TimeSpan.Zero));
            Assert.Contains("unchanged: 2 records", afterHorizon, StringComparison.Ordinal);
            Assert.Contains("findings 0 new, 1 changed", afterHorizon, StringComparison.Ordinal);
            Assert.Equal(2, await FailingAsync("clock", "compute-instance-max-age"));

            // Another policy is another content: nothing is kept until it has been evaluated once.
            var repoliced = await ScanAsync(new DateTimeOffset(2027, 4, 2, 6, 0, 0, TimeSpan.Zero), "--policy", policy);
            Assert.DoesNotContain("unchanged:", repoliced, StringComparison.Ordinal);
            Assert.Contains("unchanged: 3 records", await ScanAsync(new DateTimeOffset(2027, 4, 3, 6, 0, 0, TimeSpan.Zero), "--policy", policy),
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(policy);
        }
    }

    private Task<long> FailingAsync(string target, string control) => CountAsync(
        "select count(*) from findings f join scopes sc on sc.id = f.scope_id join targets t on t.id = sc.target_id where t.name = $1 and f.control_id = $2 and f.status = 'fail'",
        target, control);

    /// <summary>A count from the test database, with positional parameters.</summary>
    private async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Generated inventories of 3,000 records: day one, and day two with <paramref name="changePercent"/>% of them changed.</summary>
    private async Task<(string Day1, string Day2)> GenerateTwoDaysAsync(int seed, int changePercent)
    {
        var day1 = Path.Combine(_dir.FullName, "day1");
        var day2 = Path.Combine(_dir.FullName, "day2");
        var s = seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await Cli.CliRunner.RunAsync("dev", "generate", "--output", day1, "--resources", "3000", "--seed", s)).ExitCode);
        Assert.Equal(0, (await Cli.CliRunner.RunAsync("dev", "generate", "--output", day2, "--resources", "3000", "--seed", s,
            "--change-percent", changePercent.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitCode);
        return (day1, day2);
    }

    private static string FailureLine(string output) =>
        output.Split('\n').Single(l => l.StartsWith("failures by severity:", StringComparison.Ordinal));

    private static async Task<List<string>> FindingStatesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select f.fingerprint || ' ' || f.status || ' ' || f.severity || ' ' || (f.resolved_at is null) || ' ' || (f.missing_since is null)
                   || ' ' || coalesce(f.resolution, '-') || ' ' || f.evidence::text || ' ' || r.record_hash::text || ' ' || r.evaluation_counts::text
            from findings f join resources r on r.id = f.resource_id
            order by f.fingerprint
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new List<string>();
        while (await reader.ReadAsync())
        {
            states.Add(reader.IsDBNull(0) ? "(null: a finding without record hash)" : reader.GetString(0));
        }

        return states;
    }

    [Fact]
    public async Task Scan_ResourceFixedBetweenScans_DiffAndListShowItResolved()
    {
        await StorageAccounts.WriteAsync(_dir.FullName, "alpha", compliant: false);
        await StorageAccounts.WriteAsync(_dir.FullName, "beta", compliant: true);
        var first = await _cli.RunAsync("scan", "--snapshot", _dir.FullName, "--target", "fix", "--format", "json");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("stored as scan", first.Error, StringComparison.Ordinal);

        var open = Assert.Single(await _cli.FindingsAsync("fix", "--status", "open"));
        Assert.Equal("alpha", open.GetProperty("resourceName").GetString());
        var fingerprint = open.GetProperty("fingerprint").GetString()!;
        Assert.Contains("SC-28", open.GetProperty("nist").EnumerateArray().Select(n => n.GetString()));

        var show = await _cli.RunAsync("findings", "show", fingerprint);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("evidence:", show.Out, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage", show.Out, StringComparison.Ordinal);
        Assert.Contains("opened", show.Out, StringComparison.Ordinal);

        // Fix alpha: its record now uses a customer-managed key.
        await StorageAccounts.WriteAsync(_dir.FullName, "alpha", compliant: true);
        var second = await _cli.RunAsync("scan", "--snapshot", _dir.FullName, "--target", "fix");
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("1 resolved", second.Out, StringComparison.Ordinal);

        var ids = await _cli.ScanIdsAsync("fix");
        Assert.Equal(2, ids.Length);
        var diff = await _cli.DiffAsync(ids[0], ids[1]);
        Assert.Contains(fingerprint, StoreCli.Fingerprints(diff, "resolved"));
        Assert.Empty(StoreCli.Fingerprints(diff, "new"));
        Assert.Empty(StoreCli.Fingerprints(diff, "reopened"));

        var resolved = Assert.Single(await _cli.FindingsAsync("fix", "--status", "resolved"));
        Assert.Equal(fingerprint, resolved.GetProperty("fingerprint").GetString());
        var history = await _cli.RunAsync("findings", "show", fingerprint, "--format", "json");
        Assert.Contains("\"event\": \"resolved\"", history.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("summary")]
    public async Task Scan_MalformedInput_ResolvesNothingAndRecordsTheScopesFailed(string format)
    {
        // table: one reader; summary: files read side by side by three workers (--parallel 3).
        string[] how = format == "summary" ? ["--format", "summary", "--parallel", "3"] : ["--format", format];
        var target = "malformed-" + format;

        // A database of its own: a resource is one resource in a store, whichever target scans it.
        var cli = new StoreCli(await _fixture.CreateDatabaseAsync("malformed" + format));
        await StorageAccounts.WriteAsync(_dir.FullName, "gamma", compliant: false);
        await StorageAccounts.WriteAsync(_dir.FullName, "delta", compliant: false);
        Assert.Equal(0, (await cli.RunAsync(["scan", "--snapshot", _dir.FullName, "--target", target, .. how])).ExitCode);
        Assert.Equal(2, (await cli.FindingsAsync(target, "--status", "open")).Count);

        // gamma disappears, and a file of the same subscription is cut off mid-record.
        File.Delete(Path.Combine(_dir.FullName, "gamma.json"));
        var broken = await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "delta.json"));
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "broken.json"), "[" + broken.Replace("delta", "epsilon", StringComparison.Ordinal) + ", {\"id\": ");
        var partial = await cli.RunAsync(["scan", "--snapshot", _dir.FullName, "--target", target, .. how]);
        Assert.Equal(3, partial.ExitCode);
        Assert.Contains("no scope of this scan was merged", partial.Error, StringComparison.Ordinal);

        var scan = await cli.LatestScanAsync(target);
        Assert.Equal("failed", scan.GetProperty("status").GetString());
        var scope = Assert.Single(scan.GetProperty("scopes").EnumerateArray());
        Assert.Equal("failed", scope.GetProperty("status").GetString());
        Assert.Contains("broken.json", scope.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Nothing resolved: gamma is still open, the diff is empty.
        var open = await cli.FindingsAsync(target, "--status", "open");
        Assert.Equal(["delta", "gamma"], open.Select(f => f.GetProperty("resourceName").GetString()).Order(StringComparer.Ordinal));
        var ids = await cli.ScanIdsAsync(target);
        var diff = await cli.DiffAsync(ids[0], ids[1]);
        Assert.Empty(StoreCli.Fingerprints(diff, "resolved"));

        // Control: once the input reads whole, the same change does resolve gamma.
        File.Delete(Path.Combine(_dir.FullName, "broken.json"));
        Assert.Equal(0, (await cli.RunAsync(["scan", "--snapshot", _dir.FullName, "--target", target, .. how])).ExitCode);
        var resolved = Assert.Single(await cli.FindingsAsync(target, "--status", "resolved"));
        Assert.Equal("gamma", resolved.GetProperty("resourceName").GetString());
    }

    [Fact]
    public async Task Scan_WithoutDatabase_StoresNothing()
    {
        await StorageAccounts.WriteAsync(_dir.FullName, "zeta", compliant: false);
        var result = await Cli.CliRunner.RunAsync("scan", "--snapshot", _dir.FullName);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("stored as scan", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_BadDatabaseValue_ExitsTwoNamingTheOption()
    {
        var result = await Cli.CliRunner.RunAsync("scan", "--snapshot", _dir.FullName, "--database", "Hoost=x;Nope");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--database", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task Scan_ParallelOutOfRange_ExitsTwoNamingTheOption(string workers)
    {
        var result = await _cli.RunAsync("scan", "--snapshot", _dir.FullName, "--format", "summary", "--parallel", workers);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--parallel must be between 1 and 64", result.Error, StringComparison.Ordinal);
    }
}

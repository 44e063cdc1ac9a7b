using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary><c>posture findings list|show</c>: the stored findings, filtered, and one finding with its evidence and history.</summary>
internal static class FindingsCommand
{
    private static readonly string[] Severities = Enum.GetValues<Severity>().Select(s => s.ToName()).ToArray();

    public static Command Create(CliContext cli)
    {
        var command = new Command("findings", "Stored findings: their current state, evidence and history");
        command.Subcommands.Add(List(cli));
        command.Subcommands.Add(Show(cli));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var status = new Option<string?>("--status") { Description = "Only findings in this state: open, resolved, suppressed, pass, unknown, error (default: all but pass)" };
        status.AcceptOnlyFromAmong([.. StoreVocabulary.States]);
        var severity = new Option<string?>("--severity") { Description = "Only this severity: critical, high, medium, low, info" };
        severity.AcceptOnlyFromAmong(Severities);
        var control = new Option<string?>("--control") { Description = "Only this control id" };
        var provider = new Option<string?>("--provider") { Description = "Only this cloud: aws, azure, gcp" };
        provider.AcceptOnlyFromAmong("aws", "azure", "gcp");
        var nist = new Option<string?>("--nist") { Description = "Only controls mapped to this NIST SP 800-53 r5 control, e.g. AC-3 or SC-28(1)" };
        var since = new Option<string?>("--since") { Description = "Only findings first seen or changed since DATE (2026-01-31, ISO timestamp, or 7d for seven days ago)", HelpName = "DATE" };
        var target = new Option<string?>("--target") { Description = "Only findings of this scan target", HelpName = "NAME" };
        var format = CommonOptions.Format("table", "table", "json", "csv");
        var command = new Command("list", "List stored findings, most severe first") { database, dataDir, status, severity, control, provider, nist, since, target, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DateTimeOffset? sinceAt = null;
            if (parse.GetValue(since) is { } sinceText)
            {
                var now = cli.Time.GetUtcNow();
                sinceAt = DateArgument.Parse(sinceText, now, endOfDay: false);
                if (sinceAt is null)
                {
                    await cli.Error.WriteLineAsync($"--since: '{sinceText}' is not a date (use 2026-01-31, an ISO 8601 timestamp, or 7d)");
                    return ExitCodes.Usage;
                }

                if (sinceText.EndsWith('d') || sinceText.EndsWith('h') || sinceText.EndsWith('w'))
                {
                    // "7d" means seven days ago here.
                    sinceAt = now - (sinceAt.Value - now);
                }
            }

            var nistId = parse.GetValue(nist);
            if (nistId is not null && NistCatalog.Embedded.Find(nistId) is null)
            {
                await cli.Error.WriteLineAsync($"--nist: '{nistId}' is not a NIST SP 800-53 Rev 5 control id (e.g. AC-3, SC-28(1))");
                return ExitCodes.Usage;
            }

            var state = parse.GetValue(status) is { } s ? StoreVocabulary.ParseState(s) : (FindingState?)null;
            var filter = new FindingFilter
            {
                State = state,
                Severity = parse.GetValue(severity) is { } sev && Vocabulary.TryParseSeverity(sev, out var parsed) ? parsed : null,
                ControlId = parse.GetValue(control),
                Provider = ProviderNames.TryParse(parse.GetValue(provider), out var p) ? p : null,
                Nist = nistId,
                Since = sinceAt,
                Target = parse.GetValue(target),
            };

            return await StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
            {
                var findings = await session.Store.ListFindingsAsync(filter, cancellationToken);
                if (state is null)
                {
                    findings = findings.Where(f => f.State != FindingState.Pass).ToList();
                }

                switch (parse.GetValue(format))
                {
                    case "json":
                        WriteJson(cli.Out, findings);
                        break;
                    case "csv":
                        WriteCsv(cli.Out, findings);
                        break;
                    default:
                        WriteTable(cli.Out, findings);
                        break;
                }

                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Show(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var fingerprint = new Argument<string>("fingerprint") { Description = "The finding's fingerprint (64 hex digits, as in `findings list`, SARIF and the JSON report)" };
        var format = CommonOptions.Format("table", "table", "json");
        var command = new Command("show", "Show one finding: its evidence and full history") { fingerprint, database, dataDir, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(fingerprint)!.Trim().ToLowerInvariant();
            if (!Fingerprints.IsWellFormed(id))
            {
                await cli.Error.WriteLineAsync($"'{id}' is not a fingerprint: expected 64 hexadecimal digits");
                return ExitCodes.Usage;
            }

            return await StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
            {
                var detail = await session.Store.GetFindingAsync(id, cancellationToken);
                if (detail is null)
                {
                    await cli.Error.WriteLineAsync($"no finding with fingerprint {id} in {session.Database.Description}");
                    return ExitCodes.Usage;
                }

                if (parse.GetValue(format) == "json")
                {
                    WriteDetailJson(cli.Out, detail);
                }
                else
                {
                    WriteDetail(cli.Out, detail);
                }

                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<FindingRecord> findings)
    {
        if (findings.Count == 0)
        {
            output.WriteLine("no findings match");
            return;
        }

        var rows = findings.Select(f => new[]
        {
            f.State.ToName(), f.Severity.ToName(), f.ControlId, f.Provider.ToName(), f.ResourceName, DateArgument.Format(f.FirstSeen), f.Fingerprint,
        }).ToList();
        TextTable.Write(output, ["STATE", "SEVERITY", "CONTROL", "CLOUD", "RESOURCE", "FIRST SEEN", "FINGERPRINT"], rows);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{findings.Count} findings"));
    }

    private static void WriteCsv(TextWriter output, IReadOnlyList<FindingRecord> findings)
    {
        CsvText.WriteRow(output, ["fingerprint", "state", "status", "severity", "control_id", "provider", "account", "region", "resource_id", "resource_name",
            "resource_type", "nist", "first_seen", "last_seen", "resolved_at", "reopened_count", "suppression_id", "target", "scope"]);
        foreach (var f in findings)
        {
            CsvText.WriteRow(output, [f.Fingerprint, f.State.ToName(), f.Status.ToName(), f.Severity.ToName(), f.ControlId, f.Provider.ToName(), f.Account, f.Region,
                f.ResourceId, f.ResourceName, f.ResourceType, string.Join(' ', f.Nist.Select(NistCatalog.Embedded.Label)), Iso(f.FirstSeen), Iso(f.LastSeen),
                f.ResolvedAt is { } r ? Iso(r) : null, f.ReopenedCount.ToString(CultureInfo.InvariantCulture), f.SuppressionId?.ToString(CultureInfo.InvariantCulture),
                f.Target, f.Scope]);
        }
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<FindingRecord> findings)
    {
        using var json = new Utf8JsonWriter(OutputStream.Of(output), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("findings");
        foreach (var f in findings)
        {
            WriteFinding(json, f);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteLine();
    }

    private static void WriteDetailJson(TextWriter output, FindingDetail detail)
    {
        using var json = new Utf8JsonWriter(OutputStream.Of(output), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WritePropertyName("finding");
        WriteFinding(json, detail.Finding);
        json.WriteStartArray("history");
        foreach (var e in detail.History)
        {
            json.WriteStartObject();
            json.WriteString("event", e.Kind.ToName());
            json.WriteString("at", e.At);
            json.WriteNumberOrNull("scan", e.ScanId);
            json.WriteString("fromStatus", e.FromStatus?.ToName());
            json.WriteString("toStatus", e.ToStatus.ToName());
            json.WriteString("fromSeverity", e.FromSeverity?.ToName());
            json.WriteString("toSeverity", e.ToSeverity.ToName());
            json.WriteNumberOrNull("suppression", e.SuppressionId);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteLine();
    }

    private static void WriteFinding(Utf8JsonWriter json, FindingRecord f)
    {
        json.WriteStartObject();
        json.WriteString("fingerprint", f.Fingerprint);
        json.WriteString("state", f.State.ToName());
        json.WriteString("status", f.Status.ToName());
        json.WriteString("severity", f.Severity.ToName());
        json.WriteString("controlId", f.ControlId);
        json.WriteString("provider", f.Provider.ToName());
        json.WriteString("account", f.Account);
        json.WriteString("region", f.Region);
        json.WriteString("resourceId", f.ResourceId);
        json.WriteString("resourceName", f.ResourceName);
        json.WriteString("resourceType", f.ResourceType);
        json.WriteString("nativeType", f.NativeType);
        json.WriteStartArray("nist");
        foreach (var n in f.Nist)
        {
            json.WriteStringValue(NistCatalog.Embedded.Label(n));
        }

        json.WriteEndArray();
        json.WritePropertyName("evidence");
        json.WriteRawValue(f.Evidence.ToString(Newtonsoft.Json.Formatting.None));
        json.WriteString("message", f.Message);
        json.WriteString("firstSeen", f.FirstSeen);
        json.WriteString("lastSeen", f.LastSeen);
        json.WriteStringOrNull("resolvedAt", f.ResolvedAt);

        json.WriteString("resolution", f.Resolution);
        json.WriteNumber("reopenedCount", f.ReopenedCount);
        json.WriteNumberOrNull("suppressionId", f.SuppressionId);
        json.WriteString("target", f.Target);
        json.WriteString("scope", f.Scope);
        json.WriteNumber("lastScanId", f.LastScanId);
        json.WriteEndObject();
    }

    private static void WriteDetail(TextWriter output, FindingDetail detail)
    {
        var f = detail.Finding;
        TextTable.Write(output, ["FIELD", "VALUE"],
        [
            ["fingerprint", f.Fingerprint],
            ["state", f.State.ToName() + (f.Resolution is { } why ? $" ({why})" : "")],
            ["status", f.Status.ToName()],
            ["severity", f.Severity.ToName()],
            ["control", f.ControlId],
            ["nist", string.Join(' ', f.Nist.Select(NistCatalog.Embedded.Label))],
            ["cloud", f.Provider.ToName()],
            ["account", f.Account],
            ["region", f.Region],
            ["resource", f.ResourceName],
            ["resource type", $"{f.ResourceType} ({f.NativeType})"],
            ["target / scope", $"{f.Target} / {f.Scope}"],
            ["first seen", DateArgument.Format(f.FirstSeen)],
            ["last seen", DateArgument.Format(f.LastSeen)],
            ["resolved at", DateArgument.Format(f.ResolvedAt)],
            ["reopened", f.ReopenedCount.ToString(CultureInfo.InvariantCulture)],
            ["suppression", f.SuppressionId?.ToString(CultureInfo.InvariantCulture) ?? ""],
            ["last scan", f.LastScanId.ToString(CultureInfo.InvariantCulture)],
        ]);
        output.WriteLine();
        output.WriteLine("resource id: " + f.ResourceId);
        if (f.Message is not null)
        {
            output.WriteLine("message: " + f.Message);
        }

        output.WriteLine("evidence:");
        foreach (var (path, value) in f.Evidence)
        {
            output.WriteLine($"  {path} = {value?.ToString(Newtonsoft.Json.Formatting.None) ?? "null"}");
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history ({detail.History.Count} events):"));
        var rows = detail.History.Select(e => new[]
        {
            DateArgument.Format(e.At), e.Kind.ToName(), e.ScanId?.ToString(CultureInfo.InvariantCulture) ?? "",
            (e.FromStatus is { } fs ? fs.ToName() + " -> " : "") + e.ToStatus.ToName(),
            (e.FromSeverity is { } fv && fv != e.ToSeverity ? fv.ToName() + " -> " : "") + e.ToSeverity.ToName(),
            e.SuppressionId?.ToString(CultureInfo.InvariantCulture) ?? "",
        }).ToList();
        if (rows.Count > 0)
        {
            TextTable.Write(output, ["AT", "EVENT", "SCAN", "STATUS", "SEVERITY", "SUPPRESSION"], rows);
        }
        else
        {
            output.WriteLine("  (no transitions: first seen passing, or unchanged since)");
        }
    }

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PostureScanner.Core.Evaluation;
using PostureScanner.Postgres.Findings;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Commands;

/// <summary>
/// <c>posture suppress add|list|remove</c>: risk acceptances with a reason, an owner and an expiry, applied
/// at once to matching findings (retroactive) and to later scans; an expired one re-opens its findings.
/// </summary>
internal static class SuppressCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("suppress", "Accept a risk until a date: suppress findings by control, fingerprint, resource pattern or tag");
        command.Subcommands.Add(Add(cli));
        command.Subcommands.Add(List(cli));
        command.Subcommands.Add(Remove(cli));
        return command;
    }

    private static Command Add(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var control = new Option<string?>("--control") { Description = "Suppress this control's findings" };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Suppress one finding (64 hex digits)" };
        var resource = new Option<string?>("--resource") { Description = "Suppress findings of resources whose native id matches this pattern (* matches anything)", HelpName = "PATTERN" };
        var tag = new Option<string?>("--tag") { Description = "Suppress findings of resources with this tag (key, or key=value)", HelpName = "KEY[=VALUE]" };
        var reason = new Option<string>("--reason") { Description = "Why the risk is accepted", Required = true };
        var owner = new Option<string>("--owner") { Description = "Who accepted it", Required = true };
        var expires = new Option<string>("--expires")
        {
            Description = "When the acceptance ends: a date (valid through that day, UTC), an ISO 8601 timestamp, or a span such as 90d",
            Required = true,
            HelpName = "DATE",
        };
        var command = new Command("add", "Add a suppression; all the selectors given must match") { control, fingerprint, resource, tag, reason, owner, expires, database, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (request, error) = BuildRequest(parse.GetValue(control), parse.GetValue(fingerprint), parse.GetValue(resource), parse.GetValue(tag),
                parse.GetValue(reason), parse.GetValue(owner), parse.GetValue(expires), cli.Time.GetUtcNow());
            if (request is null)
            {
                await cli.Error.WriteLineAsync($"posture suppress add: {error}");
                return ExitCodes.Usage;
            }

            return await StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
            {
                SuppressionRecord added;
                try
                {
                    added = await session.Store.AddSuppressionAsync(request, cancellationToken);
                }
                catch (ArgumentException ex)
                {
                    await cli.Error.WriteLineAsync($"posture suppress add: {ex.Message.Split(" (Parameter", 2)[0]}");
                    return ExitCodes.Usage;
                }

                await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"suppression {added.Id} added ({Describe(added)}), expires {DateArgument.Format(added.ExpiresAt)}; it covers {added.Findings} finding(s) now"));
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var all = new Option<bool>("--all") { Description = "Include expired and removed suppressions" };
        var format = CommonOptions.Format("table", "table", "json");
        var command = new Command("list", "List active suppressions with the number of findings each covers") { all, format, database, dataDir };
        command.SetAction((parse, cancellationToken) => StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
        {
            var suppressions = await session.Store.ListSuppressionsAsync(parse.GetValue(all), cancellationToken);
            if (parse.GetValue(format) == "json")
            {
                WriteJson(cli.Out, suppressions);
                return ExitCodes.Ok;
            }

            if (suppressions.Count == 0)
            {
                await cli.Out.WriteLineAsync("no suppressions");
                return ExitCodes.Ok;
            }

            var rows = suppressions.Select(s => new[]
            {
                s.Id.ToString(CultureInfo.InvariantCulture), Describe(s), s.Owner, DateArgument.Format(s.ExpiresAt),
                s.Active ? "active" : s.RemovedAt is not null ? "removed" : "expired", s.Findings.ToString(CultureInfo.InvariantCulture), s.Reason,
            }).ToList();
            TextTable.Write(cli.Out, ["ID", "MATCHES", "OWNER", "EXPIRES", "STATE", "FINDINGS", "REASON"], rows);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static Command Remove(CliContext cli)
    {
        var database = StoreOptions.Database("auto");
        var dataDir = StoreOptions.DataDirectory();
        var id = new Argument<long>("id") { Description = "The suppression id (from `suppress list`)" };
        var command = new Command("remove", "Remove a suppression: its findings are no longer suppressed") { id, database, dataDir };
        command.SetAction((parse, cancellationToken) => StoreSession.RunAsync(cli, parse.GetValue(database), parse.GetValue(dataDir), async session =>
        {
            var value = parse.GetValue(id);
            if (!await session.Store.RemoveSuppressionAsync(value, cancellationToken))
            {
                await cli.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"no active suppression {value}"));
                return ExitCodes.Usage;
            }

            await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"suppression {value} removed"));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    internal static (SuppressionRequest? Request, string? Error) BuildRequest(string? control, string? fingerprint, string? resource, string? tag,
        string? reason, string? owner, string? expires, DateTimeOffset now)
    {
        if (control is null && fingerprint is null && resource is null && tag is null)
        {
            return (null, "say what to suppress: --control ID, --fingerprint F, --resource PATTERN or --tag KEY[=VALUE]");
        }

        if (fingerprint is not null && !Fingerprints.IsWellFormed(fingerprint))
        {
            return (null, $"--fingerprint: '{fingerprint}' is not a fingerprint (64 hexadecimal digits)");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return (null, "--reason is required: say why the risk is accepted");
        }

        if (string.IsNullOrWhiteSpace(owner))
        {
            return (null, "--owner is required: say who accepted the risk");
        }

        if (string.IsNullOrWhiteSpace(expires))
        {
            return (null, "--expires is required: every suppression ends (a date, an ISO timestamp or a span such as 90d)");
        }

        var expiresAt = DateArgument.Parse(expires, now, endOfDay: true);
        if (expiresAt is null)
        {
            return (null, $"--expires: '{expires}' is not a date (use 2026-06-30, an ISO 8601 timestamp, or a span such as 90d)");
        }

        if (expiresAt <= now)
        {
            return (null, $"--expires: '{expires}' ({DateArgument.Format(expiresAt.Value)}) is in the past: a suppression must end in the future");
        }

        string? tagKey = null;
        string? tagValue = null;
        if (tag is not null)
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            (tagKey, tagValue) = eq < 0 ? (tag, null) : (tag[..eq], tag[(eq + 1)..]);
            if (tagKey.Length == 0)
            {
                return (null, $"--tag: '{tag}' has no key (use KEY or KEY=VALUE)");
            }
        }

        return (new SuppressionRequest
        {
            ControlId = control,
            Fingerprint = fingerprint?.ToLowerInvariant(),
            ResourcePattern = resource,
            TagKey = tagKey,
            TagValue = tagValue,
            Reason = reason.Trim(),
            Owner = owner.Trim(),
            ExpiresAt = expiresAt,
        }, null);
    }

    private static string Describe(SuppressionRecord s)
    {
        var parts = new List<string>();
        if (s.ControlId is not null)
        {
            parts.Add("control " + s.ControlId);
        }

        if (s.Fingerprint is not null)
        {
            parts.Add("fingerprint " + s.Fingerprint[..16]);
        }

        if (s.ResourcePattern is not null)
        {
            parts.Add("resource " + s.ResourcePattern);
        }

        if (s.TagKey is not null)
        {
            parts.Add("tag " + s.TagKey + (s.TagValue is null ? "" : "=" + s.TagValue));
        }

        return string.Join(", ", parts);
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<SuppressionRecord> suppressions)
    {
        using var json = new Utf8JsonWriter(OutputStream.Of(output), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("suppressions");
        foreach (var s in suppressions)
        {
            json.WriteStartObject();
            json.WriteNumber("id", s.Id);
            json.WriteString("controlId", s.ControlId);
            json.WriteString("fingerprint", s.Fingerprint);
            json.WriteString("resourcePattern", s.ResourcePattern);
            json.WriteString("tagKey", s.TagKey);
            json.WriteString("tagValue", s.TagValue);
            json.WriteString("reason", s.Reason);
            json.WriteString("owner", s.Owner);
            json.WriteString("createdAt", s.CreatedAt);
            json.WriteString("expiresAt", s.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("removedAt", s.RemovedAt?.ToString("O", CultureInfo.InvariantCulture));
            json.WriteBoolean("active", s.Active);
            json.WriteNumber("findings", s.Findings);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteLine();
    }
}

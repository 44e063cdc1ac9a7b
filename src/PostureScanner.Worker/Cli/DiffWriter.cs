using System.Globalization;
using System.Text.Json;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>Prints a <see cref="ScanDiff"/>: new, resolved, reopened and severity-changed findings (table or JSON).</summary>
internal static class DiffWriter
{
    public static void WriteTable(TextWriter output, ScanDiff diff)
    {
        var from = diff.FromScanId is { } f ? f.ToString(CultureInfo.InvariantCulture) : "(nothing)";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"diff from scan {from} to scan {diff.ToScanId}: {diff.New.Count} new, {diff.Resolved.Count} resolved, {diff.Reopened.Count} reopened, {diff.SeverityChanged.Count} severity changed"));
        Section(output, "NEW", diff.New);
        Section(output, "RESOLVED", diff.Resolved);
        Section(output, "REOPENED", diff.Reopened);
        Section(output, "SEVERITY CHANGED", diff.SeverityChanged);
    }

    public static void WriteJson(TextWriter output, ScanDiff diff)
    {
        using var json = new Utf8JsonWriter(OutputStream.Of(output), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        if (diff.FromScanId is { } from)
        {
            json.WriteNumber("fromScan", from);
        }
        else
        {
            json.WriteNull("fromScan");
        }

        json.WriteNumber("toScan", diff.ToScanId);
        Array(json, "new", diff.New);
        Array(json, "resolved", diff.Resolved);
        Array(json, "reopened", diff.Reopened);
        Array(json, "severityChanged", diff.SeverityChanged);
        json.WriteEndObject();
        json.Flush();
        output.WriteLine();
    }

    /// <summary>The last segment of a native id (ARN, ARM id, CAI name): what people call the resource.</summary>
    public static string ShortName(string nativeId)
    {
        var cut = nativeId.TrimEnd('/').LastIndexOfAny(['/', ':']);
        return cut < 0 ? nativeId : nativeId[(cut + 1)..];
    }

    private static void Section(TextWriter output, string title, IReadOnlyList<DiffEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title} ({entries.Count})"));
        var rows = entries.Select(e => new[]
        {
            e.PreviousSeverity is { } p ? $"{p.ToName()} -> {e.Severity.ToName()}" : e.Severity.ToName(),
            Now(title, e), e.ControlId, e.Provider.ToName(), ShortName(e.ResourceId), e.Fingerprint,
        }).ToList();
        TextTable.Write(output, ["SEVERITY", "NOW", "CONTROL", "CLOUD", "RESOURCE", "FINGERPRINT"], rows);
    }

    /// <summary>A resolved finding whose last status is still fail was resolved because its resource (or the evaluation) is gone.</summary>
    private static string Now(string section, DiffEntry e) =>
        section == "RESOLVED" && e.Status != Core.Evaluation.EvaluationStatus.Pass ? "gone" : e.Status.ToName();

    private static void Array(Utf8JsonWriter json, string name, IReadOnlyList<DiffEntry> entries)
    {
        json.WriteStartArray(name);
        foreach (var e in entries)
        {
            json.WriteStartObject();
            json.WriteString("fingerprint", e.Fingerprint);
            json.WriteString("controlId", e.ControlId);
            json.WriteString("provider", e.Provider.ToName());
            json.WriteString("resourceId", e.ResourceId);
            json.WriteString("status", e.Status.ToName());
            json.WriteString("severity", e.Severity.ToName());
            if (e.PreviousSeverity is { } previous)
            {
                json.WriteString("previousSeverity", previous.ToName());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

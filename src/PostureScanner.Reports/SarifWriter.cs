using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports;

/// <summary>
/// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one run, one rule per evaluated control,
/// one result per listed evaluation. Checked against the OASIS schema in the tests and by
/// <c>scripts/validate-sarif.sh</c> (Microsoft's multitool with the SARIF and GitHub rule sets).
/// </summary>
/// <remarks>
/// <para>How statuses map (SARIF §3.27.9 <c>kind</c>, §3.27.10 <c>level</c>: when <c>kind</c> is not
/// <c>fail</c>, <c>level</c> must be <c>none</c>):</para>
/// <list type="bullet">
/// <item><c>fail</c>: <c>kind: fail</c>, <c>level</c> from severity (critical/high <c>error</c>, medium <c>warning</c>, low/info <c>note</c>).</item>
/// <item><c>unknown</c>: <c>kind: review</c>, <c>level: none</c>: the data to decide was missing, a person has to look
/// (never a silent pass; the message names the missing attributes).</item>
/// <item><c>pass</c>: <c>kind: pass</c>, <c>level: none</c>, only with <c>--include-passes</c>. GitHub code scanning
/// turns every result into an alert whatever its kind (microsoft/PSRule#955), so uploads should not include passes.</item>
/// <item><c>error</c>: not a result. The control produced no verdict, which is a tool execution problem, so it is a
/// <c>toolExecutionNotification</c> with <c>level: error</c>, the rule in <c>associatedRule</c> and the resource in
/// <c>locations</c>. Per SARIF Appendix I such a notification tells consumers the results may be incomplete.
/// <c>executionSuccessful</c> stays true for evaluation errors because the scan ran to its end. It is false when an
/// input could not be read whole, because then whole parts of the inventory are missing.</item>
/// </list>
/// <para>Cloud resources have no source file. Each location has the native id as a logical location
/// (<c>kind: resource</c>) and a synthetic repository-relative path
/// <c>&lt;provider&gt;/&lt;account&gt;/&lt;region&gt;/&lt;type&gt;/&lt;escaped name&gt;</c> under <c>%SRCROOT%</c> with
/// <c>startLine: 1</c>, because GitHub rejects results without a physical location and region. GitHub matches
/// alerts across runs by <c>partialFingerprints["postureFinding/v1"]</c> (DECISIONS 7).</para>
/// </remarks>
public sealed partial class SarifWriter : IReportWriter
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    public const string ToolName = "PostureScanner";

    /// <summary>The <c>partialFingerprints</c> key holding <see cref="Evaluation.Fingerprint"/>.</summary>
    public const string FingerprintKey = "postureFinding/v1";

    public const string SourceRootId = "%SRCROOT%";

    private const int FlushThreshold = 64 * 1024;
    private const string EvaluationErrorId = "evaluation-error";
    private const string InputErrorId = "input-error";

    private readonly NistCatalog _catalog;
    private readonly SarifWriterOptions _options;

    public SarifWriter(NistCatalog catalog, SarifWriterOptions? options = null)
    {
        _catalog = catalog;
        _options = options ?? new SarifWriterOptions();
    }

    public string Format => "sarif";

    public string FileExtension => ".sarif";

    /// <summary>SARIF <c>level</c> of a failing result and a rule's default: critical/high error, medium warning, low/info note.</summary>
    public static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub's <c>security-severity</c> score (a string, as GitHub reads it) for a severity.</summary>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };

    /// <summary><c>object-storage-encrypted-at-rest</c> to <c>ObjectStorageEncryptedAtRest</c> (rule <c>name</c>).</summary>
    public static string RuleName(string controlId)
    {
        ArgumentNullException.ThrowIfNull(controlId);
        var sb = new StringBuilder(controlId.Length);
        foreach (var part in controlId.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        }

        return sb.ToString();
    }

    /// <summary>The synthetic repository-relative path of a resource: <c>&lt;provider&gt;/&lt;account&gt;/&lt;region&gt;/&lt;type&gt;/&lt;name&gt;</c>, each segment escaped.</summary>
    public static string ArtifactUri(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return string.Join('/', resource.Provider.ToName(), Segment(resource.Account), Segment(resource.Region),
            Segment(resource.Type), Segment(string.IsNullOrEmpty(resource.Name) ? resource.Id : resource.Name));
    }

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var nist = new NistLabels(_catalog);
        var controls = report.DescribedControls();
        var ruleIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < controls.Length; i++)
        {
            ruleIndex[controls[i].Definition.Id] = i;
        }

        var listed = report.ListedResults();
        var errors = report.Results.Where(r => r.Status == EvaluationStatus.Error).ToArray();
        Array.Sort(errors, ResultOrder.Instance);

        await using var writer = new Utf8JsonWriter(output, JsonTokens.FileOptions(_options.Indented));
        writer.WriteStartObject();
        writer.WriteString("$schema", SchemaUri);
        writer.WriteString("version", "2.1.0");
        writer.WriteStartArray("runs");
        writer.WriteStartObject();

        WriteTool(writer, report, controls, nist);
        await writer.FlushAsync(cancellationToken);
        WriteInvocation(writer, report, errors, ruleIndex);
        writer.WriteStartObject("originalUriBaseIds");
        writer.WriteStartObject(SourceRootId);
        WriteMessage(writer, "description",
            "Cloud resources have no source file: results are placed at the synthetic path <provider>/<account>/<region>/<type>/<name> below the repository root.");
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartArray("results");
        foreach (var evaluation in listed)
        {
            if (evaluation.Status == EvaluationStatus.Error)
            {
                continue;
            }

            WriteResult(writer, evaluation, ruleIndex[evaluation.Control.Definition.Id], nist);
            if (writer.BytesPending >= FlushThreshold)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();

        writer.WriteStartObject("properties");
        writer.WriteStartObject("scan");
        writer.WriteNumber("resources", report.Summary.Resources);
        writer.WriteStartObject("evaluations");
        writer.WriteNumber("pass", report.Summary.Evaluations.Pass);
        writer.WriteNumber("fail", report.Summary.Evaluations.Fail);
        writer.WriteNumber("unknown", report.Summary.Evaluations.Unknown);
        writer.WriteNumber("error", report.Summary.Evaluations.Error);
        writer.WriteEndObject();
        writer.WriteNumber("excluded", report.Summary.Excluded);
        writer.WriteBoolean("includePasses", report.IncludePasses);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        if (_options.Indented)
        {
            await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }
    }

    private void WriteTool(Utf8JsonWriter writer, ScanReport report, CompiledControl[] controls, NistLabels nist)
    {
        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", ToolName);
        writer.WriteString("version", report.ToolVersion);
        if (SemanticVersion().IsMatch(report.ToolVersion))
        {
            writer.WriteString("semanticVersion", report.ToolVersion);
        }

        writer.WriteString("informationUri", _options.InformationUri.AbsoluteUri);

        writer.WriteStartArray("notifications");
        WriteNotificationDescriptor(writer, EvaluationErrorId, "EvaluationError",
            "A control could not be evaluated on a resource; its result is missing from this log.",
            "The control threw while it evaluated the resource, so there is no pass, fail or unknown for that pair. " +
            "The notification names the control (associatedRule), the resource (locations) and the error. " +
            "Fix the control or the mapping that produced the unexpected value, then scan again.");
        WriteNotificationDescriptor(writer, InputErrorId, "InputError",
            "An input could not be read whole; the resources it holds may be missing from this log.",
            "A snapshot file or collector scope failed, so the results of this run are incomplete and findings of that scope " +
            "must not be treated as resolved. The notification names the input and the reason.");
        writer.WriteEndArray();

        writer.WriteStartArray("rules");
        var baseUri = _options.EffectiveControlsBaseUri;
        foreach (var control in controls)
        {
            WriteRule(writer, control, nist.For(control), baseUri);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>A notification descriptor; GitHub (GH2012) wants fullDescription and help on every reportingDescriptor.</summary>
    private static void WriteNotificationDescriptor(Utf8JsonWriter writer, string id, string name, string description, string help)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("name", name);
        WriteMessage(writer, "shortDescription", description);
        WriteMessage(writer, "fullDescription", description);
        writer.WriteStartObject("help");
        writer.WriteString("text", help);
        writer.WriteString("markdown", help);
        writer.WriteEndObject();
        writer.WriteStartObject("defaultConfiguration");
        writer.WriteString("level", "error");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter writer, CompiledControl control, IReadOnlyList<string> nist, Uri controlsBaseUri)
    {
        var d = control.Definition;
        writer.WriteStartObject();
        writer.WriteString("id", d.Id);
        if (d.Aliases.Count > 0)
        {
            writer.WriteStartArray("deprecatedIds");
            foreach (var alias in d.Aliases)
            {
                writer.WriteStringValue(alias);
            }

            writer.WriteEndArray();
        }

        writer.WriteString("name", RuleName(d.Id));
        WriteMessage(writer, "shortDescription", ResultMessages.Sentence(d.Title));
        WriteMessage(writer, "fullDescription", ResultMessages.Sentence(d.Description));
        writer.WriteStartObject("help");
        writer.WriteString("text", HelpText(d, nist));
        writer.WriteString("markdown", HelpMarkdown(d, nist));
        writer.WriteEndObject();
        writer.WriteString("helpUri", new Uri(controlsBaseUri, $"{Uri.EscapeDataString(d.Domain)}/{Uri.EscapeDataString(d.Id)}.yaml").AbsoluteUri);
        writer.WriteStartObject("defaultConfiguration");
        writer.WriteString("level", Level(control.Severity));
        writer.WriteEndObject();

        writer.WriteStartObject("properties");
        writer.WriteStartArray("tags");
        var tags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in d.Tags.Prepend(d.Domain).Prepend("security").Concat(nist))
        {
            if (tags.Add(tag))
            {
                writer.WriteStringValue(tag);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("nist-800-53-r5");
        foreach (var label in nist)
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
        writer.WriteString("security-severity", SecuritySeverity(control.Severity));
        writer.WriteString("severity", control.Severity.ToName());
        writer.WriteString("resource-type", d.ResourceType);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter writer, ScanReport report, Evaluation[] errors, Dictionary<string, int> ruleIndex)
    {
        var failedInputs = report.Summary.Inputs.Where(i => i.Error is not null).ToArray();
        writer.WriteStartArray("invocations");
        writer.WriteStartObject();
        writer.WriteBoolean("executionSuccessful", failedInputs.Length == 0);
        if (report.StartedAt is { } started)
        {
            writer.WriteString("startTimeUtc", Utc(started));
        }

        if (report.FinishedAt is { } finished)
        {
            writer.WriteString("endTimeUtc", Utc(finished));
        }

        if (errors.Length > 0 || failedInputs.Length > 0)
        {
            writer.WriteStartArray("toolExecutionNotifications");
            foreach (var input in failedInputs)
            {
                writer.WriteStartObject();
                writer.WriteString("level", "error");
                WriteMessage(writer, "message", ResultMessages.Sentence($"Reading input '{input.Path}' failed: {input.Error}"));
                WriteDescriptorReference(writer, "descriptor", InputErrorId, 1);
                writer.WriteEndObject();
            }

            foreach (var error in errors)
            {
                writer.WriteStartObject();
                writer.WriteString("level", "error");
                WriteMessage(writer, "message", ResultMessages.Describe(error));
                WriteLocations(writer, error.Resource);
                WriteDescriptorReference(writer, "descriptor", EvaluationErrorId, 0);
                WriteDescriptorReference(writer, "associatedRule", error.Control.Definition.Id, ruleIndex[error.Control.Definition.Id]);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static void WriteResult(Utf8JsonWriter writer, Evaluation evaluation, int ruleIndex, NistLabels nist)
    {
        var resource = evaluation.Resource;
        writer.WriteStartObject();
        writer.WriteString("ruleId", evaluation.Control.Definition.Id);
        writer.WriteNumber("ruleIndex", ruleIndex);
        var (kind, level) = evaluation.Status switch
        {
            EvaluationStatus.Fail => ("fail", Level(evaluation.Severity)),
            EvaluationStatus.Pass => ("pass", "none"),
            _ => ("review", "none"),
        };
        writer.WriteString("kind", kind);
        writer.WriteString("level", level);
        WriteMessage(writer, "message", ResultMessages.Describe(evaluation));
        WriteLocations(writer, resource);
        writer.WriteStartObject("partialFingerprints");
        writer.WriteString(FingerprintKey, evaluation.Fingerprint);
        writer.WriteEndObject();

        writer.WriteStartObject("properties");
        writer.WriteString("status", evaluation.Status.ToName());
        writer.WriteString("severity", evaluation.Severity.ToName());
        writer.WriteString("provider", resource.Provider.ToName());
        writer.WriteString("account", resource.Account);
        writer.WriteString("region", resource.Region);
        writer.WriteString("type", resource.Type);
        writer.WriteString("nativeType", resource.NativeType);
        writer.WriteString("resourceName", resource.Name);
        writer.WritePropertyName("evidence");
        JsonTokens.WriteEvidence(writer, evaluation.Evidence);
        writer.WriteStartArray("nist");
        foreach (var label in nist.For(evaluation.Control))
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteLocations(Utf8JsonWriter writer, Resource resource)
    {
        writer.WriteStartArray("locations");
        writer.WriteStartObject();
        writer.WriteStartObject("physicalLocation");
        writer.WriteStartObject("artifactLocation");
        writer.WriteString("uri", ArtifactUri(resource));
        writer.WriteString("uriBaseId", SourceRootId);
        writer.WriteEndObject();
        writer.WriteStartObject("region");
        writer.WriteNumber("startLine", 1);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("logicalLocations");
        writer.WriteStartObject();
        writer.WriteString("name", resource.Name);
        writer.WriteString("fullyQualifiedName", resource.Id);
        writer.WriteString("kind", "resource");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static void WriteDescriptorReference(Utf8JsonWriter writer, string property, string id, int index)
    {
        writer.WriteStartObject(property);
        writer.WriteString("id", id);
        writer.WriteNumber("index", index);
        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, string property, string text)
    {
        writer.WriteStartObject(property);
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    private static string HelpText(ControlDefinition d, IReadOnlyList<string> nist) =>
        $"{ResultMessages.Sentence(d.Description)}\n\nRemediation: {d.Remediation}\n\nNIST SP 800-53 Rev 5: {string.Join(", ", nist)}. Resource type: {d.ResourceType}. Severity: {d.Severity.ToName()}.";

    private static string HelpMarkdown(ControlDefinition d, IReadOnlyList<string> nist) =>
        $"""
        {ResultMessages.Sentence(d.Description)}

        ## Remediation

        {d.Remediation}

        | | |
        |---|---|
        | NIST SP 800-53 Rev 5 | {string.Join(", ", nist)} |
        | Resource type | `{d.ResourceType}` |
        | Severity | {d.Severity.ToName()} |
        | Control | `{d.Domain}/{d.Id}` |
        """;

    private static string Utc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>One escaped path segment; empty becomes <c>_</c> and dot segments are escaped so the path cannot climb.</summary>
    private static string Segment(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "_";
        }

        var escaped = Uri.EscapeDataString(value);
        return escaped is "." or ".." ? escaped.Replace(".", "%2E", StringComparison.Ordinal) : escaped;
    }

    /// <summary>SemVer 2.0.0 (semver.org's recommended expression).</summary>
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemanticVersion();
}

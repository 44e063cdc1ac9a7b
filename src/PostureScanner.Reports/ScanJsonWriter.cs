using System.Text.Json;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports;

/// <summary>
/// The stable <c>posture scan --format json</c> contract, versioned by <c>docs/schemas/scan-result.v1.json</c>
/// (DECISIONS 9). Adding a field is a schema change: update the schema and the golden files with it.
/// </summary>
public sealed class ScanJsonWriter : IReportWriter
{
    private const int FlushThreshold = 64 * 1024;

    private static readonly JsonEncodedText ControlId = JsonEncodedText.Encode("controlId");
    private static readonly JsonEncodedText Provider = JsonEncodedText.Encode("provider");
    private static readonly JsonEncodedText Account = JsonEncodedText.Encode("account");
    private static readonly JsonEncodedText Region = JsonEncodedText.Encode("region");
    private static readonly JsonEncodedText NativeType = JsonEncodedText.Encode("nativeType");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ResourceId = JsonEncodedText.Encode("resourceId");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity");
    private static readonly JsonEncodedText Nist = JsonEncodedText.Encode("nist");
    private static readonly JsonEncodedText Evidence = JsonEncodedText.Encode("evidence");
    private static readonly JsonEncodedText Fingerprint = JsonEncodedText.Encode("fingerprint");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");

    private readonly NistCatalog _catalog;
    private readonly bool _indented;

    /// <param name="catalog">Gives the display form of NIST ids.</param>
    /// <param name="indented">Indent (the default, so that two runs diff line by line); false writes one line.</param>
    public ScanJsonWriter(NistCatalog catalog, bool indented = true)
    {
        _catalog = catalog;
        _indented = indented;
    }

    public string Format => "json";

    public string FileExtension => ".json";

    public async Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var nist = new NistLabels(_catalog);
        await using var writer = new Utf8JsonWriter(output, JsonTokens.FileOptions(_indented));

        writer.WriteStartObject();
        WriteSummary(writer, report.Summary);

        writer.WriteStartArray("results");
        foreach (var e in report.ListedResults())
        {
            var resource = e.Resource;
            writer.WriteStartObject();
            writer.WriteString(ControlId, e.Control.Definition.Id);
            writer.WriteString(Provider, resource.Provider.ToName());
            writer.WriteString(Account, resource.Account);
            writer.WriteString(Region, resource.Region);
            writer.WriteString(NativeType, resource.NativeType);
            writer.WriteString(Type, resource.Type);
            writer.WriteString(ResourceId, resource.Id);
            writer.WriteString(Status, e.Status.ToName());
            writer.WriteString(Severity, e.Severity.ToName());
            writer.WriteStartArray(Nist);
            foreach (var label in nist.For(e.Control))
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
            writer.WritePropertyName(Evidence);
            JsonTokens.WriteEvidence(writer, e.Evidence);
            writer.WriteString(Fingerprint, e.Fingerprint);
            writer.WriteString(Message, e.Message);
            writer.WriteEndObject();

            if (writer.BytesPending >= FlushThreshold)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        if (_indented)
        {
            // A text file ends with a newline (POSIX), which also keeps `git diff` quiet.
            await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }
    }

    private static void WriteSummary(Utf8JsonWriter writer, ScanSummary summary)
    {
        writer.WriteStartObject("scan");
        writer.WriteNumber("resources", summary.Resources);
        writer.WriteStartObject("evaluations");
        writer.WriteNumber("pass", summary.Evaluations.Pass);
        writer.WriteNumber("fail", summary.Evaluations.Fail);
        writer.WriteNumber("unknown", summary.Evaluations.Unknown);
        writer.WriteNumber("error", summary.Evaluations.Error);
        writer.WriteEndObject();
        writer.WriteNumber("excluded", summary.Excluded);
        writer.WriteStartArray("inputs");
        foreach (var input in summary.Inputs)
        {
            writer.WriteStartObject();
            writer.WriteString("path", input.Path);
            writer.WriteString("format", input.Format);
            writer.WriteNumber("resources", input.Resources);
            writer.WriteString("error", input.Error);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

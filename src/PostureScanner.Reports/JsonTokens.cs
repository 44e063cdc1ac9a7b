using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Reports;

/// <summary>
/// Writes Newtonsoft <see cref="JToken"/> values (evidence) with a System.Text.Json <see cref="Utf8JsonWriter"/>,
/// keeping the JSON they hold: numbers stay numbers with their digits, dates parsed by Newtonsoft are written
/// back as the ISO 8601 strings Newtonsoft itself would write, and non-finite floats become strings as in
/// Newtonsoft's default <c>FloatFormatHandling.String</c>.
/// </summary>
internal static class JsonTokens
{
    /// <summary>Newtonsoft's default ISO date format (<c>DateTimeUtils</c>), so a round trip keeps the text.</summary>
    private const string IsoDateFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK";

    /// <summary>
    /// Writer settings for files: indented with "\n" on every OS so that golden files and two runs diff cleanly,
    /// and non-ASCII text kept readable. The relaxed encoder only matters for HTML embedding, which these
    /// files are not (the HTML report escapes for itself).
    /// </summary>
    public static JsonWriterOptions FileOptions(bool indented) => new()
    {
        Indented = indented,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(Utf8JsonWriter writer, JToken? token)
    {
        switch (token)
        {
            case null:
                writer.WriteNullValue();
                return;
            case JObject obj:
                writer.WriteStartObject();
                foreach (var property in obj.Properties())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                return;
            case JArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    if (item.Type != JTokenType.Comment)
                    {
                        Write(writer, item);
                    }
                }

                writer.WriteEndArray();
                return;
            case JProperty property:
                writer.WriteStartObject();
                writer.WritePropertyName(property.Name);
                Write(writer, property.Value);
                writer.WriteEndObject();
                return;
            case JConstructor constructor:
                // Only Newtonsoft's non-standard "new Date(...)" syntax yields these; keep the text.
                writer.WriteStringValue(constructor.ToString(Newtonsoft.Json.Formatting.None));
                return;
            case JRaw raw:
                writer.WriteRawValue(raw.Value?.ToString() ?? "null");
                return;
            case JValue value:
                WriteValue(writer, value);
                return;
            default:
                writer.WriteStringValue(token.ToString(Newtonsoft.Json.Formatting.None));
                return;
        }
    }

    /// <summary>Writes an evidence map as a JSON object, keys in the order the check read them.</summary>
    public static void WriteEvidence(Utf8JsonWriter writer, IReadOnlyDictionary<string, JToken?> evidence)
    {
        writer.WriteStartObject();
        foreach (var (path, value) in evidence)
        {
            writer.WritePropertyName(path);
            Write(writer, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>A token as compact JSON text (CSV cells, messages).</summary>
    public static string ToCompactJson(JToken? token) => Compact(w => Write(w, token));

    /// <summary>An evidence map as compact JSON text.</summary>
    public static string ToCompactJson(IReadOnlyDictionary<string, JToken?> evidence) => Compact(w => WriteEvidence(w, evidence));

    private static string Compact(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, FileOptions(indented: false)))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, JValue value)
    {
        switch (value.Type)
        {
            case JTokenType.Null:
            case JTokenType.Undefined:
                writer.WriteNullValue();
                return;
            case JTokenType.Boolean:
                writer.WriteBooleanValue((bool)value.Value!);
                return;
            case JTokenType.String:
                writer.WriteStringValue((string)value.Value!);
                return;
            case JTokenType.Integer:
                WriteInteger(writer, value.Value!);
                return;
            case JTokenType.Float:
                WriteFloat(writer, value.Value!);
                return;
            case JTokenType.Date:
                writer.WriteStringValue(value.Value switch
                {
                    DateTimeOffset dto => dto.ToString(IsoDateFormat, CultureInfo.InvariantCulture),
                    DateTime dt => dt.ToString(IsoDateFormat, CultureInfo.InvariantCulture),
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture),
                });
                return;
            case JTokenType.Bytes:
                writer.WriteBase64StringValue((byte[])value.Value!);
                return;
            default:
                // Guid, Uri, TimeSpan: Newtonsoft writes their invariant text as a JSON string.
                writer.WriteStringValue(Convert.ToString(value.Value, CultureInfo.InvariantCulture));
                return;
        }
    }

    private static void WriteInteger(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case ulong ul: writer.WriteNumberValue(ul); break;
            case BigInteger big: writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); break;
            default: writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!); break;
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case float f: writer.WriteStringValue(f.ToString(CultureInfo.InvariantCulture)); break;
            case decimal m: writer.WriteNumberValue(m); break;
            default: writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!); break;
        }
    }
}

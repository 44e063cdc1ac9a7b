using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// JSON handling shared by every snapshot format: one set of reader settings (dates stay strings,
/// <c>22.0</c> stays a float), decoding of JSON held in strings, and the two record layouts most
/// files use, streamed one record at a time.
/// </summary>
public static class SnapshotJson
{
    /// <summary>No line info on loaded tokens (it costs an object per token), comments ignored.</summary>
    public static JsonLoadSettings LoadSettings { get; } = new()
    {
        LineInfoHandling = LineInfoHandling.Ignore,
        CommentHandling = CommentHandling.Ignore,
    };

    /// <summary>A reader with the settings every input is read with; <paramref name="multipleContent"/> reads JSON lines and concatenated documents.</summary>
    public static JsonTextReader CreateReader(TextReader text, bool multipleContent) => new(text)
    {
        DateParseHandling = DateParseHandling.None,
        FloatParseHandling = FloatParseHandling.Double,
        SupportMultipleContent = multipleContent,
        MaxDepth = 256,
        CloseInput = true,
    };

    /// <summary>
    /// Parses one whole JSON document held in a string (dates stay strings, floats stay floats); null
    /// when it is not exactly one strictly valid JSON value (Newtonsoft alone would accept
    /// <c>{status:null}</c>, which is text, not JSON).
    /// </summary>
    public static JToken? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsStrictJson(text))
        {
            return null;
        }

        try
        {
            using var reader = CreateReader(new StringReader(text), multipleContent: false);
            var token = JToken.ReadFrom(reader, LoadSettings);
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                {
                    return null;
                }
            }

            return token;
        }
        catch (JsonReaderException)
        {
            return null;
        }
    }

    /// <summary>
    /// Decodes a string that holds a JSON object or array: plain (<c>{"a":1}</c>), encoded again as
    /// a JSON string (<c>"{\"a\":1}"</c>, any number of times), or URL-encoded (<c>%7B%22Version...</c>,
    /// IAM policy documents). Returns null for any other text, which then stays a string.
    /// </summary>
    public static JContainer? TryDecodeDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var depth = 0; depth < 8; depth++)
        {
            var trimmed = text.AsSpan().Trim();
            if (trimmed.IsEmpty)
            {
                return null;
            }

            if (trimmed[0] is '{' or '[')
            {
                return TryParse(text) as JContainer;
            }

            if (trimmed[0] == '"')
            {
                if (TryParse(text) is JValue { Type: JTokenType.String } inner)
                {
                    text = inner.Value<string>()!;
                    continue;
                }

                return null;
            }

            if (trimmed.StartsWith("%7B", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("%5B", StringComparison.OrdinalIgnoreCase))
            {
                text = Uri.UnescapeDataString(trimmed.ToString());
                continue;
            }

            return null;
        }

        return null;
    }

    /// <summary>
    /// Replaces, everywhere inside <paramref name="token"/>, every string that holds a JSON document
    /// (see <see cref="TryDecodeDocument"/>) by the decoded document, itself decoded the same way.
    /// Returns the token to use in place of <paramref name="token"/> (a new one when it was such a string).
    /// </summary>
    public static JToken DecodeEmbeddedDocuments(JToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        switch (token)
        {
            case JObject obj:
                foreach (var property in obj.Properties())
                {
                    var decoded = DecodeEmbeddedDocuments(property.Value);
                    if (!ReferenceEquals(decoded, property.Value))
                    {
                        property.Value = decoded;
                    }
                }

                return obj;
            case JArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var decoded = DecodeEmbeddedDocuments(array[i]);
                    if (!ReferenceEquals(decoded, array[i]))
                    {
                        array[i] = decoded;
                    }
                }

                return array;
            case JValue { Type: JTokenType.String } value when TryDecodeDocument(value.Value<string>()!) is { } document:
                return DecodeEmbeddedDocuments(document);
            default:
                return token;
        }
    }

    /// <summary>
    /// Every top-level value of the file as a record: a single object, JSON lines, concatenated
    /// documents; a top-level array yields its elements. One record in memory at a time.
    /// </summary>
    public static IAsyncEnumerable<SnapshotRecord> ReadItemsAsync(SnapshotFile file, CancellationToken cancellationToken) =>
        ReadItemsAsync(file, null, cancellationToken);

    /// <summary>
    /// As <see cref="ReadItemsAsync(SnapshotFile, CancellationToken)"/>; with <paramref name="keeping"/>,
    /// object records are hashed, and those the session's filter keeps are skipped unparsed.
    /// </summary>
    public static async IAsyncEnumerable<SnapshotRecord> ReadItemsAsync(SnapshotFile file, RecordKeeping? keeping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var reader = new SnapshotJsonReader(file);
        long index = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.TokenType == JsonToken.StartArray)
            {
                while (await reader.ReadAsync(cancellationToken) && reader.TokenType != JsonToken.EndArray)
                {
                    if (await ReadRecordAsync(reader, keeping, $"[{index}]", index++, cancellationToken) is { } record)
                    {
                        yield return record;
                    }
                }
            }
            else if (await ReadRecordAsync(reader, keeping, $"record {index}", index++, cancellationToken) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// The elements of the array-valued <paramref name="property"/> of every top-level object (an
    /// API response, or several responses one after the other); the envelope's other properties
    /// are skipped without being loaded.
    /// </summary>
    public static IAsyncEnumerable<SnapshotRecord> ReadPropertyItemsAsync(SnapshotFile file, string property, CancellationToken cancellationToken) =>
        ReadPropertyItemsAsync(file, property, null, cancellationToken);

    /// <summary>
    /// As <see cref="ReadPropertyItemsAsync(SnapshotFile, string, CancellationToken)"/>; with
    /// <paramref name="keeping"/>, object records are hashed, and those the session's filter keeps are skipped unparsed.
    /// </summary>
    public static async IAsyncEnumerable<SnapshotRecord> ReadPropertyItemsAsync(SnapshotFile file, string property, RecordKeeping? keeping,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(property);
        using var reader = new SnapshotJsonReader(file);
        long index = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.TokenType != JsonToken.StartObject)
            {
                throw reader.Error($"expected a JSON object with '{property}', found {Describe(reader.TokenType)}");
            }

            var found = false;
            while (await reader.ReadAsync(cancellationToken) && reader.TokenType == JsonToken.PropertyName)
            {
                var name = (string)reader.Value!;
                await reader.ReadAsync(cancellationToken);
                if (!found && string.Equals(name, property, StringComparison.Ordinal) && reader.TokenType is JsonToken.StartArray or JsonToken.Null)
                {
                    found = true;
                    if (reader.TokenType == JsonToken.Null)
                    {
                        continue;
                    }

                    while (await reader.ReadAsync(cancellationToken) && reader.TokenType != JsonToken.EndArray)
                    {
                        if (await ReadRecordAsync(reader, keeping, $"{property}[{index}]", index++, cancellationToken) is { } record)
                        {
                            yield return record;
                        }
                    }
                }
                else
                {
                    await reader.SkipAsync(cancellationToken);
                }
            }

            if (!found)
            {
                throw reader.Error($"the object has no '{property}' array");
            }
        }
    }

    /// <summary>
    /// The record starting at the reader's token, or null when <paramref name="keeping"/>'s filter kept it
    /// (then it was skipped unparsed). Only objects are hashed: a string or array element is no record
    /// that can stand for an asset alone.
    /// </summary>
    public static async Task<SnapshotRecord?> ReadRecordAsync(SnapshotJsonReader reader, RecordKeeping? keeping, string label, long index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var (line, column) = (reader.Line, reader.Column);
        UInt128? hash = null;
        if (keeping is not null && reader.TokenType == JsonToken.StartObject && Keep(reader, keeping, out hash))
        {
            // The same bytes were a valid record when they were stored: passed over without tokenizing them.
            reader.SkipKept();
            return null;
        }

        var value = await reader.LoadAsync(cancellationToken);
        return new SnapshotRecord(reader.File.Path, label, index, line, column, value) { RecordHash = hash };
    }

    private static bool Keep(SnapshotJsonReader reader, RecordKeeping keeping, out UInt128? hash)
    {
        var bytes = reader.ValueBytes();
        return keeping.Session.TryKeep(bytes, keeping.Format, keeping.Gate?.Invoke(bytes) ?? true, out hash);
    }

    /// <summary>Reads the whole file token by token (constant memory) and returns the first syntax error, or null when it is well-formed JSON.</summary>
    public static async Task<string?> FindSyntaxErrorAsync(SnapshotFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            using var reader = new SnapshotJsonReader(file);
            while (await reader.ReadAsync(cancellationToken))
            {
            }

            return null;
        }
        catch (SnapshotFormatException ex)
        {
            return ex.Message;
        }
    }

    private static bool IsStrictJson(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    internal static string Describe(JsonToken token) => token switch
    {
        JsonToken.StartObject => "an object",
        JsonToken.StartArray => "an array",
        JsonToken.String => "a string",
        JsonToken.Integer or JsonToken.Float => "a number",
        JsonToken.Boolean => "a boolean",
        JsonToken.Null => "null",
        _ => token.ToString(),
    };
}

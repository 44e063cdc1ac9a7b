using System.Buffers;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// Looks at the first <see cref="ProbeLength"/> characters of a (decompressed) file and describes
/// its shape for format detection. Reading stops at the probe length, so a record cut there is
/// described as far as it goes; errors past the cut are the readers' to report.
/// </summary>
internal sealed class SnapshotProber
{
    internal const int ProbeLength = 64 * 1024;

    private readonly List<string> _root = [];
    private readonly List<string> _first = [];
    private string? _recordsProperty;
    private SnapshotShape _shape = SnapshotShape.Empty;
    private bool _multiple;

    private SnapshotProber()
    {
    }

    public static async Task<SnapshotProbeResult> ProbeAsync(SnapshotFile file, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<char>.Shared.Rent(ProbeLength + 1);
        try
        {
            using var text = new StreamReader(file.Open(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024);
            var length = await text.ReadBlockAsync(buffer.AsMemory(0, ProbeLength + 1), cancellationToken);
            var truncated = length > ProbeLength;
            return Probe(file.Path, new string(buffer, 0, Math.Min(length, ProbeLength)), truncated);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    internal static SnapshotProbeResult Probe(string path, string content, bool truncated)
    {
        var prober = new SnapshotProber();
        var error = prober.Run(path, content, truncated);
        var probe = new SnapshotProbe
        {
            Path = path,
            Shape = prober._shape,
            RootProperties = prober._root,
            FirstRecordProperties = prober._multiple && prober._shape == SnapshotShape.Object ? prober._root : prober._first,
            RecordsProperty = prober._recordsProperty,
            MultipleDocuments = prober._multiple,
        };
        return new SnapshotProbeResult(probe, error, truncated);
    }

    private string? Run(string path, string content, bool truncated)
    {
        using var reader = SnapshotJson.CreateReader(new StringReader(content), multipleContent: true);
        var firstDone = false;
        try
        {
            if (!Next(reader))
            {
                return null;
            }

            switch (reader.TokenType)
            {
                case JsonToken.StartObject:
                    _shape = SnapshotShape.Object;
                    ProbeObject(reader);
                    break;
                case JsonToken.StartArray:
                    _shape = SnapshotShape.Array;
                    ProbeArray(reader);
                    break;
                default:
                    _shape = SnapshotShape.NotJson;
                    return $"{path}:{reader.LineNumber}:{reader.LinePosition}: the file holds {SnapshotJson.Describe(reader.TokenType)} at its root, not an object or an array";
            }

            firstDone = true;
            _multiple = Next(reader);
            return null;
        }
        catch (JsonReaderException ex)
        {
            if (firstDone)
            {
                // Something follows the first document, even if it is cut or broken.
                _multiple = true;
            }

            if (_shape == SnapshotShape.Empty)
            {
                _shape = SnapshotShape.NotJson;
            }

            return truncated ? null : SnapshotJsonReader.MalformedMessage(path, ex);
        }
    }

    private void ProbeObject(JsonTextReader reader)
    {
        while (Next(reader) && reader.TokenType == JsonToken.PropertyName)
        {
            var name = (string)reader.Value!;
            _root.Add(name);
            Next(reader);
            if (reader.TokenType == JsonToken.StartArray && _recordsProperty is null)
            {
                _recordsProperty = name;
                ProbeElements(reader);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ProbeArray(JsonTextReader reader) => ProbeElements(reader);

    /// <summary>At the start of an array: records the first element's property names and skips to the array's end.</summary>
    private void ProbeElements(JsonTextReader reader)
    {
        if (!Next(reader) || reader.TokenType == JsonToken.EndArray)
        {
            return;
        }

        switch (reader.TokenType)
        {
            case JsonToken.StartObject:
                while (Next(reader) && reader.TokenType == JsonToken.PropertyName)
                {
                    _first.Add((string)reader.Value!);
                    Next(reader);
                    reader.Skip();
                }

                break;
            case JsonToken.String:
                // AWS advanced query rows are JSON documents held in strings.
                if (SnapshotJson.TryParse((string)reader.Value!) is JObject row)
                {
                    _first.AddRange(row.Properties().Select(p => p.Name));
                }

                break;
            default:
                reader.Skip();
                break;
        }

        while (Next(reader) && reader.TokenType != JsonToken.EndArray)
        {
            reader.Skip();
        }
    }

    private static bool Next(JsonTextReader reader)
    {
        while (reader.Read())
        {
            if (reader.TokenType != JsonToken.Comment)
            {
                return true;
            }
        }

        return false;
    }
}

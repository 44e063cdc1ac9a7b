using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// A forward-only JSON reader over one input file (decompressed, JSON lines and concatenated
/// documents allowed) for formats that walk an envelope themselves. Malformed content surfaces as
/// <see cref="SnapshotFormatException"/> naming the file, line and column.
/// </summary>
public sealed partial class SnapshotJsonReader : IDisposable
{
    private readonly JsonTextReader _json;

    public SnapshotJsonReader(SnapshotFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
        var text = new StreamReader(file.Open(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        _json = SnapshotJson.CreateReader(text, multipleContent: true);
    }

    public SnapshotFile File { get; }

    public JsonToken TokenType => _json.TokenType;

    public object? Value => _json.Value;

    public int Depth => _json.Depth;

    public int Line => _json.LineNumber;

    public int Column => _json.LinePosition;

    // The reads below are synchronous on purpose: the input is a local (buffered) file, and
    // Newtonsoft's async token reading costs several times the synchronous path per token. The
    // methods stay Task-returning so a network-backed source can change that without callers noticing.

    /// <summary>Advances to the next token (comments skipped); false at the end of the file.</summary>
    public Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            while (_json.Read())
            {
                if (_json.TokenType != JsonToken.Comment)
                {
                    return Task.FromResult(true);
                }
            }

            return Task.FromResult(false);
        }
        catch (JsonReaderException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>Loads the value starting at the current token (the reader then sits on its last token).</summary>
    public Task<JToken> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult(JToken.ReadFrom(_json, SnapshotJson.LoadSettings));
        }
        catch (JsonReaderException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>Skips the value starting at the current token without loading it.</summary>
    public Task SkipAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _json.Skip();
            return Task.CompletedTask;
        }
        catch (JsonReaderException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>An error at the current position: <c>file:line:column: message</c>.</summary>
    public SnapshotFormatException Error(string message) => new($"{File.Path}:{Line}:{Column}: {message}");

    public void Dispose() => ((IDisposable)_json).Dispose();

    /// <summary>Newtonsoft counts a position before the first character as line 0 and the start of a line as position 0; people count from 1.</summary>
    internal static string MalformedMessage(string path, JsonReaderException ex) =>
        $"{path}:{Math.Max(1, ex.LineNumber)}:{Math.Max(1, ex.LinePosition)}: malformed JSON: {PositionSuffix().Replace(ex.Message, ".")}";

    private SnapshotFormatException Malformed(JsonReaderException ex) => new(MalformedMessage(File.Path, ex), ex);

    // Newtonsoft ends its messages with ", line N, position M."; the position is already in front.
    [GeneratedRegex(@", line \d+, position \d+\.$")]
    private static partial Regex PositionSuffix();
}

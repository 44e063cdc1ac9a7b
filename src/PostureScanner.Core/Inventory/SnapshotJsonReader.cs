using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// A forward-only JSON reader over one input file (decompressed, JSON lines and concatenated
/// documents allowed) for formats that walk an envelope themselves. Malformed content surfaces as
/// <see cref="SnapshotFormatException"/> naming the file, line and column.
/// <para>
/// It tokenizes UTF-8 bytes (<see cref="Utf8JsonReader"/> over a buffer refilled from the stream) rather
/// than decoded text, so a record can be seen as the bytes it is (<see cref="ValueBytes"/>): a re-scan
/// hashes them and parses only the records it has not seen. Tokens are reported with Newtonsoft's token
/// kinds and values (integers as <see cref="long"/> or <see cref="BigInteger"/>, other numbers as
/// <see cref="double"/>, dates left as strings) because the canonicalizers work on <see cref="JToken"/>.
/// Lines and columns count from 1; a column counts bytes.
/// </para>
/// </summary>
public sealed partial class SnapshotJsonReader : IDisposable
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowMultipleValues = true,
        MaxDepth = 256,
    };

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
    private int _start;
    private int _end;
    private bool _final;
    private bool _bomChecked;
    private JsonReaderState _state = new(Options);

    // The current token: where its read started in the buffer (separators included) and where the token
    // starts, and the reader state at the read's start (to read it again as a whole value).
    private int _readStart;
    private int _tokenStart;
    private JsonReaderState _stateBefore;
    private JsonToken _token = JsonToken.None;
    private object? _value;
    private int _depth;

    // The current value, once buffered whole: its length and the reader state after it. A value whose end
    // was found by the structural scan alone (ValueBytes) is not yet checked: loading it checks it; skipping
    // it checks it, unless the caller vouches for it (SkipKept: the same bytes were a valid record before).
    private int _valueLength = -1;
    private bool _valueChecked;
    private JsonReaderState _stateAfterValue;
    private JsonToken _valueEnd;

    // Set once a value was passed over without Utf8JsonReader counting its lines: the reader's own line
    // and column are then behind, so a syntax error is located by reading the file again (see Malformed).
    private bool _linesSkipped;

    // Line counting: newlines are counted up to _counted (an absolute offset), lazily, when a position is asked for.
    private long _bufferOffset;
    private long _counted;
    private int _line = 1;
    private long _lineStart;
    private int _tokenLine = 1;
    private int _tokenColumn = 1;
    private bool _positionKnown = true;

    public SnapshotJsonReader(SnapshotFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
        _stream = OpenUtf8(file);
    }

    public SnapshotFile File { get; }

    public JsonToken TokenType => _token;

    public object? Value => _value;

    public int Depth => _depth;

    public int Line
    {
        get
        {
            LocateToken();
            return _tokenLine;
        }
    }

    public int Column
    {
        get
        {
            LocateToken();
            return _tokenColumn;
        }
    }

    // The reads below are synchronous on purpose: the input is a local (buffered) file. The methods stay
    // Task-returning so a network-backed source can change that without callers noticing.

    /// <summary>Advances to the next token (comments skipped); false at the end of the file.</summary>
    public Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read());
    }

    /// <summary>Loads the value starting at the current token (the reader then sits on its last token).</summary>
    public Task<JToken> LoadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (_token)
        {
            case JsonToken.StartObject or JsonToken.StartArray:
                return Task.FromResult(LoadValue());
            case JsonToken.String or JsonToken.Integer or JsonToken.Float or JsonToken.Boolean:
                return Task.FromResult<JToken>(new JValue(_value));
            case JsonToken.Null:
                return Task.FromResult<JToken>(JValue.CreateNull());
            default:
                throw Error($"expected a value, found {SnapshotJson.Describe(_token)}");
        }
    }

    /// <summary>Skips the value starting at the current token without loading it, token by token (a large skipped value is never held whole).</summary>
    public Task SkipAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_valueLength >= 0)
        {
            if (!_valueChecked)
            {
                BufferValue();
            }

            SkipBufferedValue();
            return Task.CompletedTask;
        }

        if (_token is JsonToken.PropertyName)
        {
            Read();
        }

        if (_token is JsonToken.StartObject or JsonToken.StartArray)
        {
            var depth = _depth;
            while (Read() && !(_depth == depth && _token is JsonToken.EndObject or JsonToken.EndArray))
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The bytes of the value starting at the current token (an object or array, whole), read into the
    /// buffer if need be; valid until the reader moves. Its end is found by a structural scan (strings,
    /// escapes, brackets), not by tokenizing it: the bytes are not checked to be JSON yet. Follow with
    /// <see cref="LoadAsync"/> (which checks them), <see cref="SkipAsync"/> (likewise) or <see cref="SkipKept"/>.
    /// </summary>
    public ReadOnlySpan<byte> ValueBytes()
    {
        if (_token is not (JsonToken.StartObject or JsonToken.StartArray))
        {
            throw new InvalidOperationException("ValueBytes is for an object or an array");
        }

        if (_valueLength < 0)
        {
            ScanValue();
        }

        return _buffer.AsSpan(_tokenStart, _valueLength);
    }

    /// <summary>
    /// Skips the value <see cref="ValueBytes"/> returned without checking it, for a caller that knows these
    /// exact bytes to be a valid JSON value (a kept record: its hash is that of a record read and checked
    /// before). Tokenizing 2 GB of kept records to skip them was a third of a re-scan's reading.
    /// </summary>
    public void SkipKept()
    {
        if (_valueLength < 0)
        {
            throw new InvalidOperationException("SkipKept follows ValueBytes");
        }

        if (!_valueChecked)
        {
            PassOver();
        }

        SkipBufferedValue();
    }

    /// <summary>An error at the current position: <c>file:line:column: message</c>.</summary>
    public SnapshotFormatException Error(string message) => new($"{File.Path}:{Line}:{Column}: {message}");

    public void Dispose()
    {
        _stream.Dispose();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>Newtonsoft counts a position before the first character as line 0 and the start of a line as position 0; people count from 1.</summary>
    internal static string MalformedMessage(string path, JsonReaderException ex) =>
        $"{path}:{Math.Max(1, ex.LineNumber)}:{Math.Max(1, ex.LinePosition)}: malformed JSON: {PositionSuffix().Replace(ex.Message, ".")}";

    private bool Read()
    {
        _valueLength = -1;
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
            bool read;
            try
            {
                read = reader.Read();
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw Malformed(ex);
            }

            if (read)
            {
                _stateBefore = _state;
                _readStart = _start;
                _tokenStart = _start + (int)reader.TokenStartIndex;
                _positionKnown = false;
                _depth = reader.CurrentDepth;
                (_token, _value) = Current(ref reader);
                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }

            if (_final)
            {
                // At the end, a position (for an error such as "no records") is the end of the file.
                _token = JsonToken.None;
                _value = null;
                _readStart = _tokenStart = _end;
                _positionKnown = false;
                return false;
            }

            Fill(_start);
        }
    }

    /// <summary>Reads until the whole value of the current token is in the buffer, and notes where it ends.</summary>
    private void BufferValue()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_readStart, _end - _readStart), _final, _stateBefore);
            try
            {
                reader.Read();
                if (reader.TrySkip())
                {
                    _valueLength = (int)reader.BytesConsumed - (_tokenStart - _readStart);
                    _valueChecked = true;
                    _stateAfterValue = reader.CurrentState;
                    _valueEnd = reader.TokenType == JsonTokenType.EndObject ? JsonToken.EndObject : JsonToken.EndArray;
                    return;
                }
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw Malformed(ex);
            }

            if (_final)
            {
                throw Error("malformed JSON: the file ends inside this value");
            }

            Fill(_readStart);
        }
    }

    /// <summary>
    /// Loads the value at the current token (an object or an array) as a <see cref="JToken"/>, tokenizing it
    /// once: its end is found by the structural scan, and building the tree checks it. A value that does not
    /// build is read again with the file's reader state, so the error names the file's line and column.
    /// </summary>
    private JToken LoadValue()
    {
        // The bytes read as one value, as deep as the file's reader would allow at this depth.
        var reader = new Utf8JsonReader(ValueBytes(), isFinalBlock: true, new JsonReaderState(Options with { MaxDepth = Math.Max(1, Options.MaxDepth - _depth) }));
        JToken built;
        try
        {
            reader.Read();
            built = Build(ref reader);
        }
        catch (System.Text.Json.JsonException) when (!_valueChecked)
        {
            BufferValue();
            throw Error("malformed JSON in this value");
        }

        if (!_valueChecked)
        {
            PassOver();
        }

        SkipBufferedValue();
        return built;
    }

    /// <summary>
    /// Finds the end of the value at the current token by its structure alone: strings (with escapes) and
    /// brackets, vectorized, without tokenizing it. Exact for any valid JSON value; a '/' outside strings
    /// (a comment) hands over to the tokenizing <see cref="BufferValue"/>, as does a file that ends first.
    /// </summary>
    private void ScanValue()
    {
        var depth = 0;
        var inString = false;
        var escaped = false;
        var scanned = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_tokenStart, _end - _tokenStart);
            while (scanned < span.Length)
            {
                if (escaped)
                {
                    escaped = false;
                    scanned++;
                    continue;
                }

                var rest = span[scanned..];
                var next = rest.IndexOfAny(inString ? StringStops : StructureStops);
                if (next < 0)
                {
                    scanned = span.Length;
                    break;
                }

                scanned += next;
                switch (span[scanned])
                {
                    case (byte)'"':
                        inString = !inString;
                        break;
                    case (byte)'\\':
                        escaped = true;
                        break;
                    case (byte)'{' or (byte)'[':
                        depth++;
                        break;
                    case (byte)'}' or (byte)']':
                        if (--depth == 0)
                        {
                            _valueLength = scanned + 1;
                            _valueChecked = false;
                            _valueEnd = span[scanned] == (byte)'}' ? JsonToken.EndObject : JsonToken.EndArray;
                            return;
                        }

                        break;
                    default:
                        // A comment: only the tokenizer knows where it ends.
                        BufferValue();
                        return;
                }

                scanned++;
            }

            if (_final)
            {
                BufferValue();
                return;
            }

            Fill(_readStart);
        }
    }

    /// <summary>
    /// The reader state after a value whose end <see cref="ScanValue"/> found: the state of an empty value of
    /// the same kind at the same place (nesting, what may follow), read after the same separators. Only
    /// Utf8JsonReader's line and column are behind by the value's lines, see <see cref="Malformed"/>.
    /// </summary>
    private void PassOver()
    {
        var prefix = _tokenStart - _readStart;
        var empty = prefix + 2 <= 256 ? stackalloc byte[prefix + 2] : new byte[prefix + 2];
        _buffer.AsSpan(_readStart, prefix).CopyTo(empty);
        (empty[prefix], empty[prefix + 1]) = _valueEnd == JsonToken.EndObject ? ((byte)'{', (byte)'}') : ((byte)'[', (byte)']');
        var reader = new Utf8JsonReader(empty, isFinalBlock: false, _stateBefore);
        reader.Read();
        reader.Read();
        _stateAfterValue = reader.CurrentState;
        _valueChecked = true;
        _linesSkipped = true;
    }

    private void SkipBufferedValue()
    {
        _start = _tokenStart + _valueLength;
        _state = _stateAfterValue;
        _token = _valueEnd;
        _value = null;
        _valueLength = -1;
    }

    /// <summary>Keeps the bytes from <paramref name="keepFrom"/> on, moves them to the front (the buffer doubles when they fill it), and reads more.</summary>
    private void Fill(int keepFrom)
    {
        CountLines(_bufferOffset + keepFrom);
        var kept = _end - keepFrom;
        if (keepFrom == 0 && _end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (keepFrom > 0)
        {
            _buffer.AsSpan(keepFrom, kept).CopyTo(_buffer);
            _bufferOffset += keepFrom;
            _start -= keepFrom;
            _readStart -= keepFrom;
            _tokenStart -= keepFrom;
            _end = kept;
        }

        while (_end < _buffer.Length)
        {
            var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                _final = true;
                break;
            }

            _end += n;
            if (!_bomChecked)
            {
                SkipByteOrderMark();
            }
        }
    }

    /// <summary>
    /// The file's content as UTF-8. A UTF-16 or UTF-32 file (what Windows PowerShell 5 redirects
    /// <c>az graph query</c> into) is told by its byte order mark and read through a transcoder.
    /// </summary>
    private static Stream OpenUtf8(SnapshotFile file)
    {
        Span<byte> head = stackalloc byte[4];
        int n;
        using (var sniff = file.Open())
        {
            n = sniff.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..n];
        Encoding? encoding = head switch
        {
            [0xFF, 0xFE, 0, 0] => Encoding.UTF32,
            [0, 0, 0xFE, 0xFF] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
            [0xFF, 0xFE, ..] => Encoding.Unicode,
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
            _ => null,
        };
        var stream = file.Open();
        return encoding is null ? stream : Encoding.CreateTranscodingStream(stream, encoding, Encoding.UTF8);
    }

    /// <summary>A UTF-8 byte order mark (also what a transcoded file starts with) is not JSON: it is dropped.</summary>
    private void SkipByteOrderMark()
    {
        if (_end < 3 && !_final)
        {
            return;
        }

        _bomChecked = true;
        if (_buffer.AsSpan(0, _end).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _start = 3;
            _counted = 3;
            _lineStart = 3;
        }
    }

    private void CountLines(long upTo)
    {
        if (upTo <= _counted)
        {
            return;
        }

        var span = _buffer.AsSpan((int)(_counted - _bufferOffset), (int)(upTo - _counted));
        var last = span.LastIndexOf((byte)'\n');
        if (last >= 0)
        {
            _line += span.Count((byte)'\n');
            _lineStart = _counted + last + 1;
        }

        _counted = upTo;
    }

    private void LocateToken()
    {
        if (_positionKnown)
        {
            return;
        }

        var at = _bufferOffset + _tokenStart;
        CountLines(at);
        _tokenLine = _line;
        _tokenColumn = (int)(at - _lineStart) + 1;
        _positionKnown = true;
    }

    private static (JsonToken Token, object? Value) Current(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => (JsonToken.StartObject, null),
        JsonTokenType.EndObject => (JsonToken.EndObject, null),
        JsonTokenType.StartArray => (JsonToken.StartArray, null),
        JsonTokenType.EndArray => (JsonToken.EndArray, null),
        JsonTokenType.PropertyName => (JsonToken.PropertyName, reader.GetString()),
        JsonTokenType.String => (JsonToken.String, reader.GetString()),
        JsonTokenType.Number => Number(ref reader),
        JsonTokenType.True => (JsonToken.Boolean, true),
        JsonTokenType.False => (JsonToken.Boolean, false),
        _ => (JsonToken.Null, null),
    };

    /// <summary>As Newtonsoft reads numbers: an integer is a long (a BigInteger beyond), anything else a double.</summary>
    private static (JsonToken, object) Number(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var integer))
        {
            return (JsonToken.Integer, integer);
        }

        var text = Encoding.ASCII.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return (JsonToken.Integer, BigInteger.Parse(text, CultureInfo.InvariantCulture));
        }

        return (JsonToken.Float, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>The JToken of a whole value already validated (duplicate property names: the last one wins, as Newtonsoft loads them).</summary>
    private static JToken Build(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    obj[name] = Build(ref reader);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(Build(ref reader));
                }

                return array;
            case JsonTokenType.Null:
                return JValue.CreateNull();
            default:
                return new JValue(Current(ref reader).Value);
        }
    }

    private SnapshotFormatException Malformed(System.Text.Json.JsonException ex)
    {
        if (_linesSkipped && FirstSyntaxError() is { } located)
        {
            ex = located;
        }

        var line = (ex.LineNumber ?? 0) + 1;
        var column = (ex.BytePositionInLine ?? 0) + 1;
        return new SnapshotFormatException($"{File.Path}:{line}:{column}: malformed JSON: {Utf8PositionSuffix().Replace(ex.Message, "")}", ex);
    }

    /// <summary>
    /// The file's first syntax error as a reader that tokenized every byte reports it (line and column
    /// included): asked only when values were passed over (see <see cref="PassOver"/>), whose bytes were valid
    /// JSON, so the first error in the file is the one at hand.
    /// </summary>
    private System.Text.Json.JsonException? FirstSyntaxError()
    {
        using var stream = OpenUtf8(File);
        var buffer = new byte[64 * 1024];
        var length = 0;
        var final = false;
        var state = new JsonReaderState(Options);
        var first = true;
        while (true)
        {
            while (!final && length < buffer.Length)
            {
                var n = stream.Read(buffer, length, buffer.Length - length);
                final = n == 0;
                length += n;
            }

            var start = first && buffer.AsSpan(0, length).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
            first = false;
            var reader = new Utf8JsonReader(buffer.AsSpan(start, length - start), final, state);
            try
            {
                while (reader.Read())
                {
                }
            }
            catch (System.Text.Json.JsonException ex)
            {
                return ex;
            }

            if (final)
            {
                return null;
            }

            var consumed = start + (int)reader.BytesConsumed;
            state = reader.CurrentState;
            if (consumed == 0)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            else
            {
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
            }
        }
    }

    private static readonly SearchValues<byte> StructureStops = SearchValues.Create("\"{}[]/"u8);

    private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\"u8);

    // Newtonsoft ends its messages with ", line N, position M."; the position is already in front.
    [GeneratedRegex(@", line \d+, position \d+\.$")]
    private static partial Regex PositionSuffix();

    // System.Text.Json ends its messages with " LineNumber: N | BytePositionInLine: M."; the position is already in front.
    [GeneratedRegex(@"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.$")]
    private static partial Regex Utf8PositionSuffix();
}

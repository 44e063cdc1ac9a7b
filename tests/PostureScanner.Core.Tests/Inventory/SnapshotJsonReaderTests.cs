using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Tests.Inventory;

/// <summary>
/// The structural scan that finds a record's end without tokenizing it (<see cref="SnapshotJsonReader.ValueBytes"/>),
/// and what a record passed over that way (<see cref="SnapshotJsonReader.SkipKept"/>, or loaded) leaves behind:
/// the same records, and errors at the line and column a reader that tokenized every byte reports.
/// </summary>
public sealed class SnapshotJsonReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("posture-json-");

    public void Dispose() => _dir.Delete(recursive: true);

    // Strings holding brackets, quotes, escaped backslashes before a quote, a slash, unicode escapes and
    // multi-byte UTF-8; nested arrays; a value spread over lines; an empty object and array.
    private static readonly string[] Records =
    [
        """{"id":"a","s":"} ] { [ , :","nested":{"x":[1,[2,[3]],{"y":"]"}]}}""",
        """{"id":"b","q":"say \"hi\" {","bs":"ends with backslash \\","after":"}"}""",
        """{"id":"c","path":"a/b//c","u":"\u007b\u0022é","emoji":"😀 ü"}""",
        "{\n  \"id\": \"d\",\n  \"list\": [\n    {},\n    []\n  ]\n}",
        """{"id":"e","empty":{},"arr":[],"n":-1.5e3,"t":true,"f":false,"z":null}""",
    ];

    [Fact]
    public async Task ValueBytes_EndsAtTheRecordsOwnBracket_AndLoadingOrKeepingLeavesTheReaderOnTheNextRecord()
    {
        var path = Write("records.json", "{\"items\":[" + string.Join(",\n ", Records) + "],\"tail\":{\"k\":\"}\"}}");

        // Keep every other record (as a re-scan keeps unchanged ones), load the rest.
        var keep = new KeepIds("b", "d");
        var loaded = new List<string>();
        await foreach (var record in SnapshotJson.ReadPropertyItemsAsync(new SnapshotFile(path, () => File.OpenRead(path)), "items", Keeping(keep), CancellationToken.None))
        {
            loaded.Add(record.Value.ToString(Formatting.None));
        }

        var expected = Records.Select(r => JToken.Parse(r)).Where(t => (string)t["id"]! is not ("b" or "d")).Select(t => t.ToString(Formatting.None));
        Assert.Equal(expected, loaded);
        Assert.Equal(Records, keep.Seen);
        Assert.Equal(2, keep.Kept);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SyntaxError_AfterKeptRecords_IsReportedWhereAFullTokenizerFindsIt(bool pretty)
    {
        // One long line (an AWS Config snapshot) or one record per line: records passed over do not move
        // Utf8JsonReader's own line and column, so the error is located by reading the file again.
        var good = Enumerable.Range(0, 200).Select(i => $$$"""{"id":"r{{{i}}}","pad":"{{{new string('x', 50)}}}","n":{"a":[1,2,{"b":"]"}]}}""");
        var separator = pretty ? ",\n  " : ",";
        var text = "{\"items\":[" + string.Join(separator, good) + separator + """{"id":"bad","v":tru}""" + "]}";
        var path = Write(pretty ? "pretty.json" : "line.json", text);
        var keep = new KeepIds([.. Enumerable.Range(0, 200).Select(i => $"r{i}")]);

        var error = await Assert.ThrowsAsync<SnapshotFormatException>(async () =>
        {
            await foreach (var unused in SnapshotJson.ReadPropertyItemsAsync(new SnapshotFile(path, () => File.OpenRead(path)), "items", Keeping(keep), CancellationToken.None))
            {
            }
        });

        Assert.Equal(200, keep.Kept);
        var reference = await SnapshotJson.FindSyntaxErrorAsync(new SnapshotFile(path, () => File.OpenRead(path)), CancellationToken.None);
        Assert.NotNull(reference);
        Assert.Equal(reference, error.Message);
        Assert.StartsWith($"{path}:{(pretty ? 201 : 1)}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyntaxError_InsideALoadedRecordAfterLoadedRecords_IsReportedWhereAFullTokenizerFindsIt()
    {
        // Every record is loaded (a first scan): each is tokenized once, by building it, and passed over.
        var path = Write("loaded.json", "{\"items\":[\n" + string.Join(",\n", Records) + ",\n{\"id\": \"x\",\n \"bad\": [1, 2,, 3]}\n]}");

        var error = await Assert.ThrowsAsync<SnapshotFormatException>(async () =>
        {
            await foreach (var unused in SnapshotJson.ReadPropertyItemsAsync(new SnapshotFile(path, () => File.OpenRead(path)), "items", CancellationToken.None))
            {
            }
        });

        Assert.Equal(await SnapshotJson.FindSyntaxErrorAsync(new SnapshotFile(path, () => File.OpenRead(path)), CancellationToken.None), error.Message);
        Assert.StartsWith($"{path}:{Records.Sum(r => r.Count(c => c == '\n')) + Records.Length + 3}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordWithAComment_IsStillReadWhole()
    {
        var path = Write("comments.json", "{\"items\":[{\"id\":\"a\" /* } ] { */, \"v\":1}, {\"id\":\"b\"}]}");

        var ids = new List<string>();
        await foreach (var record in SnapshotJson.ReadPropertyItemsAsync(new SnapshotFile(path, () => File.OpenRead(path)), "items", Keeping(new KeepIds()), CancellationToken.None))
        {
            ids.Add((string)record.Value["id"]!);
        }

        Assert.Equal(["a", "b"], ids);
    }

    private static RecordKeeping Keeping(KeepIds keep) => new(new SnapshotSession { Records = keep }, "test", bytes =>
    {
        keep.Note(bytes, "test");
        return true;
    });

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Keeps the records whose id is listed (the test knows their bytes are valid); records the bytes of every record it is asked about.</summary>
    private sealed class KeepIds(params string[] ids) : IRecordFilter
    {
        private readonly Dictionary<UInt128, string> _byHash = [];

        public List<string> Seen { get; } = [];

        public int Kept { get; private set; }

        public bool TryKeep(UInt128 recordHash)
        {
            if (!_byHash.ContainsKey(recordHash))
            {
                return false;
            }

            Kept++;
            return true;
        }

        /// <summary>The session asks with the hash only: the test sees the bytes through the format's gate (<see cref="Keeping"/>).</summary>
        public void Note(ReadOnlySpan<byte> bytes, string format)
        {
            var text = Encoding.UTF8.GetString(bytes);
            Seen.Add(text);
            try
            {
                if (ids.Contains((string?)JToken.Parse(text)["id"]))
                {
                    _byHash[RecordHashes.Of(bytes, format)] = text;
                }
            }
            catch (JsonReaderException)
            {
                // The malformed record of a test: never kept.
            }
        }
    }
}

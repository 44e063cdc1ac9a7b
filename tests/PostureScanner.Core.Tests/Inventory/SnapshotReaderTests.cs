using PostureScanner.Testing;
using System.IO.Compression;
using System.Text;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Tests.Inventory;

public sealed class SnapshotReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<(List<string> Ids, IReadOnlyList<SnapshotInput> Inputs)> ReadAsync(IEnumerable<ISnapshotFormat> formats, params string[] paths)
    {
        var reader = new SnapshotReader(formats);
        var ids = new List<string>();
        await foreach (var asset in reader.ReadAsync(paths, CancellationToken.None))
        {
            ids.Add(asset.NativeId);
        }

        return (ids, reader.Inputs);
    }

    private static TestFormat Things(int phase = 1) => new("things", "thing", phase);

    [Fact]
    public async Task ReadAsync_Directory_ReadsFilesRecursivelyInOrdinalPathOrderSkippingDotEntries()
    {
        _temp.Write("b/z.json", """{"thing": 1, "id": "b/z"}""");
        _temp.Write("B.json", """{"thing": 1, "id": "B"}""");
        _temp.Write("a.json", """[{"thing": 1, "id": "a1"}, {"thing": 1, "id": "a2"}]""");
        _temp.Write("b/a/deep.json", """{"thing": 1, "id": "b/a/deep"}""");
        _temp.Write(".hidden/x.json", """{"thing": 1, "id": "hidden"}""");
        _temp.Write(".DS_Store", "\0\0binary");

        var (ids, inputs) = await ReadAsync([Things()], _temp.Path);

        Assert.Equal(["B", "a1", "a2", "b/a/deep", "b/z"], ids);
        Assert.Equal(4, inputs.Count);
        Assert.All(inputs, i => Assert.Null(i.Error));
        Assert.Equal([1L, 2, 1, 1], inputs.Select(i => i.Resources));
        Assert.Equal("things", inputs[0].Format);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    [InlineData("utf-8")]
    public async Task ReadAsync_FileWithAByteOrderMark_IsReadInItsEncoding(string encodingName)
    {
        // Windows PowerShell 5 redirects `az graph query ... > file.json` as UTF-16 with a byte order mark.
        var encoding = Encoding.GetEncoding(encodingName);
        var path = _temp.Write("inventory.json", [.. encoding.GetPreamble(), .. encoding.GetBytes("""[{"thing": 1, "id": "caf\u00e9"}, {"thing": 1, "id": "ok-é"}]""")]);

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Null(inputs[0].Error);
        Assert.Equal(["café", "ok-é"], ids);
    }

    [Fact]
    public async Task ReadAsync_RecordsLargerThanTheBufferAndAnErrorFarIntoTheFile_ReadWholeAndPositionedByLine()
    {
        // The reader holds a few hundred KB of the file at a time: a record larger than that grows it,
        // and line numbers keep counting across refills.
        var text = new StringBuilder();
        for (var i = 0; i < 3000; i++)
        {
            text.Append("{\"thing\": 1, \"id\": \"r").Append(i).Append("\", \"pad\": \"").Append('x', 200).Append("\"}\n");
        }

        text.Append("{\"thing\": 1, \"id\": \"big\", \"pad\": \"").Append('y', 1_500_000).Append("\"}\n");
        text.Append("{\"thing\": 1, \"id\": \"last\"}\n");
        text.Append("  {\"thing\": 1, \"id\": oops}\n");
        var path = _temp.Write("lines.json", text.ToString());

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Equal(3002, ids.Count);
        Assert.Equal(["big", "last"], ids[^2..]);
        Assert.StartsWith($"{path}:3003:", inputs[0].Error);
        Assert.Contains("malformed JSON", inputs[0].Error);
    }

    [Fact]
    public async Task ReadAsync_GzipContentUnderAnyName_IsDecompressedByMagicBytes()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("""{"thing": 1, "id": "zipped"}"""));
        }

        var path = _temp.Write("inventory.json", buffer.ToArray());

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Equal(["zipped"], ids);
        Assert.Null(Assert.Single(inputs).Error);
    }

    [Fact]
    public async Task ReadAsync_MalformedLine_KeepsRecordsBeforeItNamesFileAndPositionAndReadsOtherFiles()
    {
        var bad = _temp.Write("a-bad.jsonl", "{\"thing\": 1, \"id\": \"one\"}\n{\"thing\": 1, \"id\": \"two\"}\n{\"thing\": 1, \"id\": three}\n{\"thing\": 1, \"id\": \"four\"}\n");
        _temp.Write("b-good.json", """{"thing": 1, "id": "good"}""");

        var (ids, inputs) = await ReadAsync([Things()], _temp.Path);

        Assert.Equal(["one", "two", "good"], ids);
        var failed = inputs.Single(i => i.Path == bad);
        Assert.Equal(2, failed.Resources);
        Assert.StartsWith($"{bad}:3:", failed.Error);
        Assert.Contains("malformed JSON", failed.Error);
        Assert.Null(inputs.Single(i => i.Path.EndsWith("b-good.json", StringComparison.Ordinal)).Error);
    }

    [Fact]
    public async Task ReadAsync_MalformedObject_NamesFileAndPosition()
    {
        var path = _temp.Write("notes.json", "{\"thing\": 1,\n  \"id\": tru\n}");

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Empty(ids);
        var input = Assert.Single(inputs);
        Assert.Equal("things", input.Format);
        Assert.True(input.Error!.StartsWith($"{path}:2:", StringComparison.Ordinal), input.Error);
    }

    [Fact]
    public async Task ReadAsync_TextThatIsNotJson_NamesFileAndPosition()
    {
        var path = _temp.Write("notes.txt", "hello world");

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Empty(ids);
        var input = Assert.Single(inputs);
        Assert.Null(input.Format);
        Assert.True(input.Error!.StartsWith($"{path}:1:", StringComparison.Ordinal), input.Error);
        Assert.Contains("malformed JSON", input.Error);
    }

    [Fact]
    public async Task ReadAsync_ErrorBeyondProbeLength_StreamsRecordsBeforeItAndReportsLine()
    {
        var text = new StringBuilder("[\n");
        for (var i = 0; i < 3000; i++)
        {
            text.Append($"{{\"thing\": 1, \"id\": \"r{i}\", \"padding\": \"{new string('x', 40)}\"}},\n");
        }

        text.Append("{\"thing\": 1, \"id\": broken}\n]\n");
        var path = _temp.Write("big.json", text.ToString());
        Assert.True(new FileInfo(path).Length > SnapshotProber.ProbeLength);

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Equal(3000, ids.Count);
        var input = Assert.Single(inputs);
        Assert.Equal(3000, input.Resources);
        Assert.StartsWith($"{path}:3002:", input.Error);
    }

    [Fact]
    public async Task ReadAsync_UnrecognisedFileWithErrorBeyondProbeLength_ReportsTheSyntaxError()
    {
        var text = new StringBuilder("[\n");
        for (var i = 0; i < 3000; i++)
        {
            text.Append($"{{\"other\": \"{new string('x', 40)}\"}},\n");
        }

        text.Append("{\"other\": nope}\n]\n");
        var path = _temp.Write("big-other.json", text.ToString());

        var (_, inputs) = await ReadAsync([Things()], path);

        var error = Assert.Single(inputs).Error;
        Assert.True(error!.StartsWith($"{path}:3002:", StringComparison.Ordinal), error);
        Assert.Contains("malformed JSON", error);
    }

    [Fact]
    public async Task ReadAsync_EmptyFile_IsAnErrorAndOtherFilesAreRead()
    {
        var empty = _temp.Write("empty.json", "  \n");
        _temp.Write("full.json", """{"thing": 1, "id": "x"}""");

        var (ids, inputs) = await ReadAsync([Things()], _temp.Path);

        Assert.Equal(["x"], ids);
        Assert.Equal($"{empty}: empty file: no records", inputs.Single(i => i.Path == empty).Error);
    }

    [Fact]
    public async Task ReadAsync_EmptyArray_IsAnErrorNamingNoRecords()
    {
        var path = _temp.Write("none.json", "[]");

        var (_, inputs) = await ReadAsync([Things()], path);

        Assert.Contains("no records", Assert.Single(inputs).Error);
    }

    [Fact]
    public async Task ReadAsync_UnrecognisedFormat_NamesTheFileAndWhatItHolds()
    {
        var path = _temp.Write("other.json", """{"colour": "red", "size": 3}""");

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Empty(ids);
        var error = Assert.Single(inputs).Error;
        Assert.Equal($"{path}:1:1: unrecognised format: a JSON object with properties colour, size", error);
    }

    [Fact]
    public async Task ReadAsync_MissingPathAndCorruptGzip_AreErrorsOfTheirOwn()
    {
        var missing = Path.Combine(_temp.Path, "missing.json");
        var corrupt = _temp.Write("corrupt.gz", [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        _temp.Write("ok.json", """{"thing": 1, "id": "ok"}""");

        var (ids, inputs) = await ReadAsync([Things()], missing, _temp.Path);

        Assert.Equal(["ok"], ids);
        Assert.Equal($"{missing}: no such file or directory", inputs.Single(i => i.Path == missing).Error);
        var error = inputs.Single(i => i.Path == corrupt).Error;
        Assert.True(error!.StartsWith($"{corrupt}: cannot read:", StringComparison.Ordinal), error);
    }

    [Fact]
    public async Task ReadAsync_LowerPhase_IsReadFirstWhateverThePathAndCompleteRunsLast()
    {
        _temp.Write("a.json", """{"thing": 1, "id": "late"}""");
        _temp.Write("z.json", """{"early": 1, "id": "early"}""");
        var things = new TestFormat("things", "thing", 1, completeId: "completed");
        var early = new TestFormat("early", "early", 0);

        var (ids, inputs) = await ReadAsync([things, early], _temp.Path);

        Assert.Equal(["early", "late", "completed"], ids);
        Assert.Equal(["early", "things"], inputs.Select(i => i.Format));
        Assert.Equal(1, things.CompleteCalls);
        Assert.Equal(1, early.CompleteCalls);
    }

    [Fact]
    public async Task ReadAsync_SameFileTwice_IsReadOnce()
    {
        var path = _temp.Write("a.json", """{"thing": 1, "id": "once"}""");

        var (ids, _) = await ReadAsync([Things()], path, _temp.Path);

        Assert.Equal(["once"], ids);
    }

    [Fact]
    public async Task ReadAsync_RecordErrorFromFormat_NamesFilePositionAndRecord()
    {
        var path = _temp.Write("a.json", "[\n {\"thing\": 1, \"id\": \"ok\"},\n {\"thing\": 1}\n]");

        var (ids, inputs) = await ReadAsync([Things()], path);

        Assert.Equal(["ok"], ids);
        Assert.Equal($"{path}:3:2: [1]: no id", Assert.Single(inputs).Error);
    }
}

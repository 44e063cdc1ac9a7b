using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;

namespace PostureScanner.Reports.Tests;

public class CsvWriterTests
{
    [Fact]
    public async Task WriteAsync_Scenario_MatchesGoldenFile()
    {
        var csv = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        ReportOutput.AssertGolden("MultiCloud", "expected.csv", csv);
    }

    [Fact]
    public async Task WriteAsync_Scenario_HeaderRowThenOneRowPerListedResultWithCrlf()
    {
        var csv = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        var lines = csv.Split("\r\n");
        Assert.Equal("controlId,provider,account,region,type,nativeType,resourceId,name,status,severity,nist,fingerprint,evidence,message", lines[0]);
        Assert.Equal(7 + 2, lines.Length);
        Assert.Equal("", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains(",pass,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_Result_NistSpaceSeparatedAndEvidenceCompactJson()
    {
        var csv = await ReportOutput.RenderAsync(CreateSut(), ReportScenarios.MultiCloud(includePasses: false));

        var row = csv.Split("\r\n").Single(l => l.StartsWith("firewall-no-public-ssh,aws,", StringComparison.Ordinal));
        Assert.Contains(",SC-7 SC-7(4) AC-3,", row, StringComparison.Ordinal);
        Assert.Contains(",\"{\"\"ingress\"\":[{\"\"source\"\":\"\"0.0.0.0/0\"\",\"\"ports\"\":[{\"\"from\"\":22,\"\"to\"\":22}]}]}\",", row, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("", "")]
    public void Escape_Field_QuotesAsRfc4180Says(string value, string expected) =>
        Assert.Equal(expected, CsvWriter.Escape(value, neutralizeFormulas: false));

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("safe=1", "safe=1")]
    public void Escape_FormulaLikeField_GetsLeadingApostrophe(string value, string expected) =>
        Assert.Equal(expected, CsvWriter.Escape(value));

    [Fact]
    public async Task WriteAsync_FormulaInEvidence_IsNotNeutralizedInsideJson()
    {
        var report = ScanJsonWriterTests.SingleResult(new Dictionary<string, JToken?>(StringComparer.Ordinal) { ["name"] = "=cmd|' /C calc'!A0" });

        var csv = await ReportOutput.RenderAsync(CreateSut(), report);

        Assert.Contains(",\"{\"\"name\"\":\"\"=cmd|' /C calc'!A0\"\"}\",", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Output_HasNoByteOrderMark()
    {
        using var stream = new MemoryStream();
        await CreateSut().WriteAsync(ReportScenarios.MultiCloud(includePasses: false), stream, CancellationToken.None);

        Assert.Equal((byte)'c', stream.ToArray()[0]);
    }

    private static CsvWriter CreateSut() => new(NistCatalog.Embedded);
}

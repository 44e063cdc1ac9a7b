using Newtonsoft.Json.Linq;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class ContentHashTests
{
    /// <summary>Stored content hashes were computed over the joined text: streaming the lines must give the same bytes' hash, or every stored row would look changed.</summary>
    [Theory]
    [InlineData("fail", "high", "SC-7,AC-3", null, "{}")]
    [InlineData("pass", "", "", "message with ünïcode ☃", "{\"a\":[1,2]}")]
    [InlineData("", "", "", "", "")]
    public void OfLines_IsTheHashOfTheJoinedText(string a, string b, string c, string? d, string e)
    {
        var hash = new System.IO.Hashing.XxHash128();
        var longLine = new string('x', 5_000) + "é";
        Assert.Equal(Joined($"{a}\n{b}\n{c}\n{d}\n{e}"), ContentHash.OfLines(hash, [a, b, c, d, e]).ToArray());
        Assert.Equal(Joined($"{a}\n{longLine}\n{e}"), ContentHash.OfLines(hash, [a, longLine, e]).ToArray());
    }

    [Fact]
    public void OfJson_SameTreeParsedTwice_IsEqual()
    {
        const string text = """{"a":1,"b":[true,null,"x",2.5],"c":{"d":"e"}}""";

        Assert.Equal(ContentHash.Of(JToken.Parse(text)).ToArray(), ContentHash.Of(JToken.Parse(text)).ToArray());
    }

    [Theory]
    [InlineData("""{"a":1}""", """{"a":2}""")]
    [InlineData("""{"a":1}""", """{"a":"1"}""")]
    [InlineData("""{"a":1}""", """{"a":1.0}""")]
    [InlineData("""{"a":null}""", """{}""")]
    [InlineData("""{"ab":"c"}""", """{"a":"bc"}""")]
    [InlineData("""["a","b"]""", """["ab"]""")]
    [InlineData("""[["a"],"b"]""", """[["a","b"]]""")]
    [InlineData("""{"a":true}""", """{"a":false}""")]
    public void OfJson_DifferentContent_Differs(string left, string right)
    {
        Assert.NotEqual(ContentHash.Of(JToken.Parse(left)).ToArray(), ContentHash.Of(JToken.Parse(right)).ToArray());
    }

    [Fact]
    public void OfLines_IsSixteenBytesAndTellsTextsApart()
    {
        var hash = new System.IO.Hashing.XxHash128();
        var a = ContentHash.OfLines(hash, ["fail", "high", "sc-7", null, "{}"]);
        var b = ContentHash.OfLines(hash, ["pass", "high", "sc-7", null, "{}"]);

        Assert.Equal(16, a.Length);
        Assert.NotEqual(a.ToArray(), b.ToArray());
        Assert.Equal(a.ToArray(), ContentHash.OfLines(hash, ["fail", "high", "sc-7", null, "{}"]).ToArray());
    }

    /// <summary>What stored rows carry: XXH3-128 of the joined text's UTF-8.</summary>
    private static byte[] Joined(string text) => System.IO.Hashing.XxHash128.Hash(System.Text.Encoding.UTF8.GetBytes(text));
}

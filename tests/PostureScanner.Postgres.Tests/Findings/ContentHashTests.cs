using Newtonsoft.Json.Linq;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Postgres.Tests.Findings;

public sealed class ContentHashTests
{
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
    public void OfText_IsSixteenBytesAndTellsTextsApart()
    {
        var a = ContentHash.Of("fail\nhigh\nsc-7\n\n{}");
        var b = ContentHash.Of("pass\nhigh\nsc-7\n\n{}");

        Assert.Equal(16, a.Length);
        Assert.NotEqual(a.ToArray(), b.ToArray());
        Assert.Equal(a.ToArray(), ContentHash.Of("fail\nhigh\nsc-7\n\n{}").ToArray());
    }
}

using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Tests.Inventory;

public sealed class SnapshotJsonTests
{
    [Fact]
    public void TryParse_FloatsAndDates_StayAsWritten()
    {
        var token = SnapshotJson.TryParse("""{"fromPort": 22.0, "when": "2014-03-07T23:47:08.918Z", "id": "1973316202281532623"}""")!;

        Assert.Equal(JTokenType.Float, token["fromPort"]!.Type);
        Assert.Equal("""{"fromPort":22.0,"when":"2014-03-07T23:47:08.918Z","id":"1973316202281532623"}""", token.ToString(Formatting.None));
    }

    [Fact]
    public void TryParse_TrailingContent_ReturnsNull() => Assert.Null(SnapshotJson.TryParse("{} {}"));

    [Fact]
    public void TryDecodeDocument_JsonStringHoldingJsonString_DecodesBothLevels()
    {
        var decoded = SnapshotJson.TryDecodeDocument("\"{\\\"grantList\\\":[{\\\"grantee\\\":\\\"AllUsers\\\"}]}\"");

        Assert.Equal("AllUsers", decoded!.SelectToken("grantList[0].grantee")!.Value<string>());
    }

    [Fact]
    public void TryDecodeDocument_UrlEncodedPolicy_Decodes()
    {
        var decoded = SnapshotJson.TryDecodeDocument("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%7D");

        Assert.Equal("Allow", decoded!.SelectToken("Statement[0].Effect")!.Value<string>());
    }

    [Theory]
    [InlineData("false")]
    [InlineData("30.0")]
    [InlineData("\"quoted text\"")]
    [InlineData("[INFO] not json")]
    [InlineData("{status:null}")]
    [InlineData("")]
    public void TryDecodeDocument_TextThatIsNoDocument_ReturnsNull(string text) => Assert.Null(SnapshotJson.TryDecodeDocument(text));

    [Fact]
    public void DecodeEmbeddedDocuments_StringsInObjectsAndArrays_AreReplacedRecursively()
    {
        var token = JObject.Parse("""{"a": "{\"b\": \"[1, 2.0]\"}", "list": ["{\"c\": true}", "plain"], "n": 5}""");

        var result = SnapshotJson.DecodeEmbeddedDocuments(token);

        Assert.Same(token, result);
        Assert.Equal("""{"a":{"b":[1,2.0]},"list":[{"c":true},"plain"],"n":5}""", result.ToString(Formatting.None));
    }
}

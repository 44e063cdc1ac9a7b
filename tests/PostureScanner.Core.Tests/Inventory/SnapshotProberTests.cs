using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Tests.Inventory;

public sealed class SnapshotProberTests
{
    private static SnapshotProbe Probe(string content, bool truncated = false) => SnapshotProber.Probe("f.json", content, truncated).Probe;

    [Fact]
    public void Probe_Envelope_ReportsRootPropertiesAndFirstRecord()
    {
        var probe = Probe("""{"fileVersion": "1.0", "configurationItems": [{"resourceType": "x", "arn": "y"}, {"z": 1}], "tail": {}}""");

        Assert.Equal(SnapshotShape.Object, probe.Shape);
        Assert.Equal(["fileVersion", "configurationItems", "tail"], probe.RootProperties);
        Assert.Equal("configurationItems", probe.RecordsProperty);
        Assert.Equal(["resourceType", "arn"], probe.FirstRecordProperties);
        Assert.False(probe.MultipleDocuments);
    }

    [Fact]
    public void Probe_RowsHeldInStrings_ReportsTheDecodedRowProperties()
    {
        var probe = Probe("""{"Results": ["{\"resourceId\":\"i-1\",\"resourceType\":\"AWS::EC2::Instance\"}"]}""");

        Assert.Equal(["resourceId", "resourceType"], probe.FirstRecordProperties);
    }

    [Fact]
    public void Probe_JsonLines_ReportsMultipleDocumentsAndTheFirstLine()
    {
        var probe = Probe("{\"name\": \"a\", \"asset_type\": \"t\"}\n{\"name\": \"b\"}\n");

        Assert.True(probe.MultipleDocuments);
        Assert.Equal(["name", "asset_type"], probe.FirstRecordProperties);
    }

    [Fact]
    public void Probe_ArrayCutAtProbeLength_KeepsWhatWasSeenWithoutError()
    {
        var result = SnapshotProber.Probe("f.json", """[{"id": "/subscriptions/s", "type": "t", "properties": {"a": """, truncated: true);

        Assert.Null(result.Error);
        Assert.Equal(SnapshotShape.Array, result.Probe.Shape);
        Assert.Equal(["id", "type", "properties"], result.Probe.FirstRecordProperties);
    }

    [Theory]
    [InlineData("", SnapshotShape.Empty)]
    [InlineData(" \n ", SnapshotShape.Empty)]
    [InlineData("hello", SnapshotShape.NotJson)]
    [InlineData("42", SnapshotShape.NotJson)]
    [InlineData("[]", SnapshotShape.Array)]
    public void Probe_Shapes(string content, SnapshotShape shape) => Assert.Equal(shape, Probe(content).Shape);
}

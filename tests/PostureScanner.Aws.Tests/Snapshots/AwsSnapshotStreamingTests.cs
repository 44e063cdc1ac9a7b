using PostureScanner.Testing;
using System.Globalization;
using System.Text;
using PostureScanner.Aws.Snapshots;
using PostureScanner.Core.Inventory;
using Xunit.Abstractions;

namespace PostureScanner.Aws.Tests.Snapshots;

[Collection(MemoryBoundTests.Name)]
public sealed class AwsSnapshotStreamingTests : IDisposable
{
    private const int Items = 200_000;
    private const long MemoryBound = 64L * 1024 * 1024;

    private readonly TempFolder _temp = new();
    private readonly ITestOutputHelper _output;

    public AwsSnapshotStreamingTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// A generated Config snapshot of 200,000 items (tens of MB; loaded whole as JTokens it would take
    /// several times that) streams through the reader while the managed heap, measured after a full
    /// collection every 20,000 records, stays under a generous bound.
    /// </summary>
    [Fact]
    public async Task ReadAsync_LargeSnapshot_StreamsEveryItemInBoundedMemory()
    {
        var path = _temp.Combine("large-snapshot.json");
        await WriteSnapshotAsync(path);
        Assert.True(new FileInfo(path).Length > 40L * 1024 * 1024, "the generated snapshot must be larger than the memory bound allows to load whole");

        var reader = new SnapshotReader(AwsSnapshotFormats.All);
        long count = 0;
        long peak = 0;
        string? last = null;
        await foreach (var asset in reader.ReadAsync([path], CancellationToken.None))
        {
            count++;
            last = asset.NativeId;
            if (count % 20_000 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        _output.WriteLine($"{new FileInfo(path).Length / (1024 * 1024)} MB file, {count} records, managed heap peak {peak / (1024 * 1024)} MB");
        Assert.Equal(Items, count);
        Assert.Equal($"arn:aws:ec2:us-east-1:123456789012:security-group/sg-{Items - 1:x8}", last);
        var input = Assert.Single(reader.Inputs);
        Assert.Null(input.Error);
        Assert.Equal(Items, input.Resources);
        Assert.True(peak < MemoryBound, $"managed heap peaked at {peak / (1024 * 1024)} MB while streaming");
    }

    private static async Task WriteSnapshotAsync(string path)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteAsync("""{"fileVersion":"1.0","configSnapshotId":"generated","configurationItems":[""");
        for (var i = 0; i < Items; i++)
        {
            var id = i.ToString("x8", CultureInfo.InvariantCulture);
            var port = (i % 1000).ToString(CultureInfo.InvariantCulture);
            await writer.WriteAsync(i == 0 ? "\n" : ",\n");
            await writer.WriteAsync(
                $$$"""{"configurationItemVersion":"1.3","accountId":"123456789012","arn":"arn:aws:ec2:us-east-1:123456789012:security-group/sg-{{{id}}}","resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-{{{id}}}","awsRegion":"us-east-1","tags":{"index":"{{{id}}}"},"configuration":"{\"groupId\":\"sg-{{{id}}}\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":{{{port}}}.0,\"toPort\":{{{port}}}.0,\"ipv4Ranges\":[{\"cidrIp\":\"0.0.0.0/0\"}]}]}","supplementaryConfiguration":{}}""");;
        }

        await writer.WriteAsync("\n]}\n");
    }
}

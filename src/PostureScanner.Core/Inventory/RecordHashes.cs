using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// The hash of one native record: XxHash128 of its bytes exactly as read, seeded with its format's
/// name (the same bytes read as another format may mean something else). Whitespace or key order
/// changes the hash: such a record is parsed once more, which costs time, never correctness.
/// </summary>
public static class RecordHashes
{
    private static readonly ConcurrentDictionary<string, long> Seeds = new(StringComparer.Ordinal);

    public static UInt128 Of(ReadOnlySpan<byte> record, string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var seed = Seeds.GetOrAdd(format, static f => (long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(f)));
        return XxHash128.HashToUInt128(record, seed);
    }
}

using System.Buffers;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// 128-bit XXH3 hashes that tell whether stored content changed. Change detection needs no
/// cryptographic strength (nobody is hashing adversarially to hide a change from their own store), and
/// SHA-256 per evaluation was a measurable share of a stored scan.
/// </summary>
internal static class ContentHash
{
    /// <summary>
    /// XXH3-128 of the UTF-8 of these lines joined with <c>\n</c> (null as empty), appended one by one to
    /// <paramref name="hash"/> (reset first) instead of building the joined text: the hash stored rows
    /// carry (they were once computed over the joined string), whether streamed or in one piece. Rows of a scan hash a few hundred bytes each, and
    /// the joined string was one more allocation per evaluation.
    /// </summary>
    public static ReadOnlyMemory<byte> OfLines(XxHash128 hash, ReadOnlySpan<string?> lines)
    {
        ArgumentNullException.ThrowIfNull(hash);
        hash.Reset();
        Span<byte> small = stackalloc byte[512];
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                hash.Append("\n"u8);
            }

            if (lines[i] is not { Length: > 0 } line)
            {
                continue;
            }

            var max = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (max <= small.Length)
            {
                hash.Append(small[..Encoding.UTF8.GetBytes(line, small)]);
                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(max);
            try
            {
                hash.Append(buffer.AsSpan(0, Encoding.UTF8.GetBytes(line, buffer)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return hash.GetCurrentHash();
    }

    /// <summary>
    /// Hash of a JSON tree walked token by token (type tag, then the value), without serializing it:
    /// the native record of every resource is hashed, and writing 2 KB of JSON text per record only to
    /// hash it cost more than the hash.
    /// </summary>
    public static ReadOnlyMemory<byte> Of(JToken token)
    {
        var hash = new XxHash128();
        Append(hash, token);
        return hash.GetCurrentHash();
    }

    /// <summary>Appends a JSON tree to a running hash, as <see cref="Of(JToken)"/> walks it; null appends the null tag.</summary>
    public static void Append(XxHash128 hash, JToken? token)
    {
        Span<byte> scalar = stackalloc byte[9];
        switch (token)
        {
            case null:
                Tag(hash, (byte)'n');
                break;
            case JObject o:
                Tag(hash, (byte)'{');
                foreach (var property in o.Properties())
                {
                    Text(hash, (byte)'k', property.Name);
                    Append(hash, property.Value);
                }

                Tag(hash, (byte)'}');
                break;
            case JArray a:
                Tag(hash, (byte)'[');
                foreach (var item in a)
                {
                    Append(hash, item);
                }

                Tag(hash, (byte)']');
                break;
            case JValue { Type: JTokenType.Integer, Value: long l }:
                scalar[0] = (byte)'i';
                BitConverter.TryWriteBytes(scalar[1..], l);
                hash.Append(scalar);
                break;
            case JValue { Type: JTokenType.Float, Value: double d }:
                scalar[0] = (byte)'f';
                BitConverter.TryWriteBytes(scalar[1..], d);
                hash.Append(scalar);
                break;
            case JValue { Type: JTokenType.Boolean, Value: bool b }:
                Tag(hash, b ? (byte)'t' : (byte)'F');
                break;
            case JValue { Type: JTokenType.Null or JTokenType.Undefined }:
                Tag(hash, (byte)'n');
                break;
            case JValue v:
                // Strings, dates (as read: Newtonsoft may have parsed them), big integers, and the rest: their invariant text.
                Text(hash, (byte)'s', v.Type == JTokenType.String ? (string)v.Value! : v.ToString(Newtonsoft.Json.Formatting.None));
                break;
            default:
                Text(hash, (byte)'?', token.ToString(Newtonsoft.Json.Formatting.None));
                break;
        }
    }

    public static void Tag(XxHash128 hash, byte tag) => hash.Append([tag]);

    /// <summary>Appends a string with its length, so that consecutive strings cannot run into each other ("ab"+"c" ≠ "a"+"bc").</summary>
    public static void Text(XxHash128 hash, string? text)
    {
        if (text is null)
        {
            Tag(hash, (byte)'n');
        }
        else
        {
            Text(hash, (byte)'s', text);
        }
    }

    private static void Text(XxHash128 hash, byte tag, string text)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = tag;
        BitConverter.TryWriteBytes(header[1..], text.Length);
        hash.Append(header);
        hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
    }
}

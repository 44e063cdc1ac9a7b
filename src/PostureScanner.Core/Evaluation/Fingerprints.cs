using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Evaluation;

/// <summary>
/// Lowercase hex SHA-256 of <c>controlId|provider|nativeId</c>, Azure ids lowercased because ARM ids
/// are case-insensitive (DECISIONS 7). SARIF, the store, <c>findings show</c> and suppressions share it.
/// </summary>
public static class Fingerprints
{
    public static string Compute(string controlId, Provider provider, string nativeId)
    {
        ArgumentNullException.ThrowIfNull(controlId);
        var id = IdentityKey(provider, nativeId);
        var name = provider.ToName();

        // Encoded into one buffer, no joined string: a stored scan fingerprints every evaluation (6M at 1M resources).
        var max = Encoding.UTF8.GetMaxByteCount(controlId.Length + name.Length + id.Length + 2);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(controlId, buffer);
            buffer[length++] = (byte)'|';
            length += Encoding.UTF8.GetBytes(name, buffer[length..]);
            buffer[length++] = (byte)'|';
            length += Encoding.UTF8.GetBytes(id, buffer[length..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..length], hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>True when <paramref name="text"/> has a fingerprint's form: 64 hexadecimal digits (either case).</summary>
    public static bool IsWellFormed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == SHA256.HashSizeInBytes * 2 && text.All(char.IsAsciiHexDigit);
    }

    /// <summary>The native id as identity: lowercased for Azure, whose ARM ids are case-insensitive (DECISIONS 7).</summary>
    public static string IdentityKey(Provider provider, string nativeId)
    {
        ArgumentNullException.ThrowIfNull(nativeId);
        return provider == Provider.Azure ? nativeId.ToLowerInvariant() : nativeId;
    }
}

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
        var id = IdentityKey(provider, nativeId);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{controlId}|{provider.ToName()}|{id}"));
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The native id as identity: lowercased for Azure, whose ARM ids are case-insensitive (DECISIONS 7).</summary>
    public static string IdentityKey(Provider provider, string nativeId)
    {
        ArgumentNullException.ThrowIfNull(nativeId);
        return provider == Provider.Azure ? nativeId.ToLowerInvariant() : nativeId;
    }
}

using System.Text.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Gcp.Snapshots;

/// <summary>
/// IAM-policy records waiting for their resource record (same asset <c>name</c>), shared by the GCP
/// formats through <see cref="SnapshotSession.State{T}"/>. Policy-only files are read first (phase 0),
/// so resources read later get their policy attached whichever file each came from; policies whose
/// resource never comes are emitted on their own at the end. Holds one entry per unmatched policy.
/// </summary>
internal sealed class GcpIamPolicyIndex
{
    private readonly Dictionary<string, JObject> _policies = new(StringComparer.Ordinal);

    public int Count => _policies.Count;

    /// <summary>
    /// Whether a record, read from its bytes without parsing it, makes its asset alone: not a policy-only
    /// record (it is held for its resource), and not a resource whose policy is held. Such a record may be
    /// kept unparsed by a re-scan; the others are always read.
    /// </summary>
    public bool StandsAlone(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        string? name = null;
        bool hasResource = false, hasPolicy = false;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.ValueSpan;
            reader.Read();
            if (property.SequenceEqual("name"u8) && reader.TokenType == JsonTokenType.String)
            {
                name = reader.GetString();
            }
            else if (property.SequenceEqual("resource"u8))
            {
                hasResource = reader.TokenType != JsonTokenType.Null;
            }
            else if (property.SequenceEqual("iamPolicy"u8) || property.SequenceEqual("iam_policy"u8))
            {
                hasPolicy = reader.TokenType != JsonTokenType.Null;
            }

            reader.TrySkip();
        }

        return name is not null && !(hasPolicy && !hasResource) && !_policies.ContainsKey(name);
    }

    /// <summary>
    /// Takes one canonical asset record: a policy-only record is held (null is returned); a resource
    /// without a policy gets the held policy of the same name; anything else is returned as is.
    /// </summary>
    public RawAsset? Accept(JObject asset)
    {
        // Validates name and assetType before anything is held.
        var raw = GcpAssetCanonicalizer.ToRawAsset(asset);
        if (GcpAssetCanonicalizer.IsIamPolicyOnly(asset))
        {
            _policies[raw.NativeId] = asset;
            return null;
        }

        if (asset["resource"] is null or { Type: JTokenType.Null })
        {
            // Org policies, access levels, service perimeters: not joined.
            return raw;
        }

        if (asset["iamPolicy"] is null or { Type: JTokenType.Null })
        {
            if (_policies.Remove(raw.NativeId, out var policy))
            {
                var iamPolicy = policy["iamPolicy"]!;
                policy.Remove("iamPolicy");
                asset["iamPolicy"] = iamPolicy;
            }
        }
        else
        {
            // The record carries its own policy; a separate one for it must not come back as an orphan.
            _policies.Remove(raw.NativeId);
        }

        return raw;
    }

    /// <summary>The policies no resource claimed, in name order, as assets without <c>resource</c>; the index is empty afterwards.</summary>
    public IReadOnlyList<RawAsset> Drain()
    {
        var orphans = _policies
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => GcpAssetCanonicalizer.ToRawAsset(p.Value))
            .ToList();
        _policies.Clear();
        return orphans;
    }
}

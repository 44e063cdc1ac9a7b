using System.Text.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Gcp.Snapshots;

/// <summary>
/// IAM-policy records waiting for their resource record (same asset <c>name</c>), kept by the GCP formats
/// in their <see cref="SnapshotSession"/>. Policy exports (phase 0) are read first through the read's
/// session, so their policies are joined with resources of any file; each later file has an index of its
/// own (<see cref="Attach"/>ed to the read's) that looks those policies up without changing them, and
/// holds the policies of its own records for the records after them. So files of resources can be read
/// in any order, or side by side, and join the same. Policies no resource claimed are emitted on their own
/// at the end (<see cref="Drain"/>). Holds one entry per unmatched policy.
/// </summary>
internal sealed class GcpIamPolicyIndex
{
    private readonly Dictionary<string, JObject> _policies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly List<GcpIamPolicyIndex> _files = [];
    private GcpIamPolicyIndex? _read;

    public int Count => _policies.Count;

    /// <summary>Makes this (one file's) index look up the policies of the read's index, complete once phase 0 is read; the read's index drains this one's too.</summary>
    public void Attach(GcpIamPolicyIndex read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_read is not null)
        {
            return;
        }

        _read = read;
        lock (read._files)
        {
            read._files.Add(this);
        }
    }

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

        return name is not null && !(hasPolicy && !hasResource) && !_policies.ContainsKey(name) && _read?._policies.ContainsKey(name) != true;
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

        var own = _policies.Remove(raw.NativeId, out var policy);
        var exported = !own && _read is { } read && read._policies.TryGetValue(raw.NativeId, out policy);
        if (exported)
        {
            _claimed.Add(raw.NativeId);
        }

        if (asset["iamPolicy"] is null or { Type: JTokenType.Null })
        {
            if (own)
            {
                var iamPolicy = policy!["iamPolicy"]!;
                policy.Remove("iamPolicy");
                asset["iamPolicy"] = iamPolicy;
            }
            else if (exported)
            {
                // The read's policy stays as it is (other files may look it up meanwhile): a copy.
                asset["iamPolicy"] = policy!["iamPolicy"]!.DeepClone();
            }
        }

        // A record with its own policy claims a separate one for it all the same: it must not come back as an orphan.
        return raw;
    }

    /// <summary>
    /// The policies no resource claimed, in name order, as assets without <c>resource</c> (the read's, and
    /// those each file held for records that never came); every index is empty afterwards.
    /// </summary>
    public IReadOnlyList<RawAsset> Drain()
    {
        var claimed = _files.SelectMany(f => f._claimed).ToHashSet(StringComparer.Ordinal);
        var orphans = _policies.Where(p => !claimed.Contains(p.Key))
            .Concat(_files.SelectMany(f => f._policies))
            .Select(p => (p.Key, Json: p.Value.ToString(Newtonsoft.Json.Formatting.None), p.Value))

            // Files may be read side by side, so their order says nothing: name, then content.
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Json, StringComparer.Ordinal)
            .Select(p => GcpAssetCanonicalizer.ToRawAsset(p.Value))
            .ToList();
        _policies.Clear();
        foreach (var file in _files)
        {
            file._policies.Clear();
            file._claimed.Clear();
        }

        return orphans;
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// The resources a scope holds, with their evaluation digests (migration 0003), loaded when a scan
/// opens the scope (<see cref="FindingStore.LoadScopeDigestsAsync"/>): an <see cref="EvaluationStager"/>
/// that computes the same digest for a resource stages only its id, and a resource the scan finds in
/// another of its scopes is known to have moved, not to be deleted (<see cref="EvaluationStager.ResolveMoves"/>).
/// Keys are 128-bit hashes of provider and resource key, so a million resources cost tens of MB.
/// </summary>
public sealed class ScopeDigests
{
    private readonly Dictionary<UInt128, (long Id, UInt128? Digest)> _byKey;

    internal ScopeDigests(Dictionary<UInt128, (long Id, UInt128? Digest)> byKey)
    {
        _byKey = byKey;
    }

    /// <summary>No stored resource: every resource is staged in full (a first scan, or the store is not consulted).</summary>
    public static ScopeDigests None { get; } = new([]);

    /// <summary>Stored resources of the scope.</summary>
    internal int Count => _byKey.Count;

    internal bool TryGet(UInt128 key, out long id, out UInt128 digest)
    {
        if (_byKey.TryGetValue(key, out var stored) && stored.Digest is { } d)
        {
            (id, digest) = (stored.Id, d);
            return true;
        }

        (id, digest) = (0, default);
        return false;
    }

    /// <summary>The stored id of a resource of the scope, with or without a digest.</summary>
    internal bool TryGetId(UInt128 key, out long id)
    {
        var found = _byKey.TryGetValue(key, out var stored);
        id = stored.Id;
        return found;
    }

    /// <summary>Every stored resource of the scope: key hash and id.</summary>
    internal IEnumerable<(UInt128 Key, long Id)> Resources => _byKey.Select(e => (e.Key, e.Value.Id));

    /// <summary>The identity of a resource inside a scan: provider and resource key (<see cref="EvaluationStager.ResourceKey"/>).</summary>
    internal static UInt128 KeyOf(string provider, string resourceKey) =>
        XxHash128.HashToUInt128(MemoryMarshal.AsBytes((provider + "|" + resourceKey).AsSpan()));

    internal static byte[] ToBytes(UInt128 digest)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, digest);
        return bytes;
    }

    internal static UInt128 FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 16 ? BinaryPrimitives.ReadUInt128BigEndian(bytes) : throw new ArgumentException("an evaluation digest has 16 bytes", nameof(bytes));
}

using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Mapping;

/// <summary>All loaded mappings, indexed by provider and native type (case-insensitive: Azure types arrive in any casing).</summary>
public sealed class MappingSet
{
    private readonly Dictionary<(Provider, string), List<(MappingDefinition Mapping, SourceMapping Source)>> _byNativeType = [];

    public MappingSet(IReadOnlyList<MappingDefinition> mappings)
    {
        Mappings = mappings;
        foreach (var mapping in mappings)
        {
            foreach (var source in mapping.Sources)
            {
                var key = (mapping.Provider, source.NativeType.ToUpperInvariant());
                if (!_byNativeType.TryGetValue(key, out var list))
                {
                    _byNativeType[key] = list = [];
                }

                list.Add((mapping, source));
            }
        }
    }

    public IReadOnlyList<MappingDefinition> Mappings { get; }

    public MappingDefinition? Find(Provider provider, string normalizedType) =>
        Mappings.FirstOrDefault(m => m.Provider == provider && m.Type == normalizedType);

    internal IReadOnlyList<(MappingDefinition Mapping, SourceMapping Source)> ForNativeType(Provider provider, string nativeType) =>
        _byNativeType.TryGetValue((provider, nativeType.ToUpperInvariant()), out var list) ? list : [];

    public bool IsMapped(Provider provider, string nativeType) => ForNativeType(provider, nativeType).Count > 0;
}

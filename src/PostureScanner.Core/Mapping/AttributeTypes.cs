namespace PostureScanner.Core.Mapping;

/// <summary>The one spelling of each <see cref="AttributeType"/> in mapping files.</summary>
public static class AttributeTypes
{
    public static IReadOnlyList<string> Names { get; } = ["any", "boolean", "number", "string", "datetime", "list", "object"];

    public static bool TryParse(string name, out AttributeType type)
    {
        var index = Names.ToList().IndexOf(name);
        type = index >= 0 ? (AttributeType)index : AttributeType.Any;
        return index >= 0;
    }

    public static string ToName(this AttributeType type) => Names[(int)type];
}

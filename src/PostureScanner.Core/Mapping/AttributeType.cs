namespace PostureScanner.Core.Mapping;

/// <summary>The declared type of a normalized attribute; values are coerced to it when read.</summary>
public enum AttributeType
{
    Any,
    Boolean,
    Number,
    String,
    DateTime,
    List,
    Object,
}

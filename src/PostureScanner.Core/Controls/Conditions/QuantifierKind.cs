namespace PostureScanner.Core.Controls.Conditions;

/// <summary>List quantifiers: <c>none</c>, <c>every</c>, <c>some</c>.</summary>
public enum QuantifierKind
{
    None,
    Every,
    Some,
}

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>Numeric comparison operators, spelled <c>greater-than</c>, <c>greater-or-equal</c>, <c>less-than</c>, <c>less-or-equal</c>.</summary>
public enum CompareOperator
{
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
}

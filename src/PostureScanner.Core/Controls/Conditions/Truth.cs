namespace PostureScanner.Core.Controls.Conditions;

/// <summary>Kleene three-valued logic: a check with a missing input is Unknown, never True.</summary>
public enum Truth
{
    False,
    True,
    Unknown,
}

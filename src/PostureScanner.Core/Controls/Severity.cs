namespace PostureScanner.Core.Controls;

/// <summary>Control severity, most severe first; lowercase in every output.</summary>
public enum Severity
{
    Critical,
    High,
    Medium,
    Low,
    Info,
}

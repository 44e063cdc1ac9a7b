namespace PostureScanner.Core.Coverage;

/// <summary>Whether a control runs on a cloud: automated, manual (the inventory cannot provide the data, with a reason), or none.</summary>
public enum CoverageStatus
{
    Automated,
    Manual,
    None,
}

namespace PostureScanner.Core.Catalog;

/// <summary>One NIST SP 800-53 Rev 5 control or enhancement: catalog id <c>ac-2.1</c>, label <c>AC-2(1)</c>.</summary>
public sealed record NistControl(string Id, string Label, string Family, string Title, bool Withdrawn, IReadOnlyList<string> Baselines);

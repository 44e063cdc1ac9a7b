namespace PostureScanner.Core.Content;

/// <summary>A content file (control, mapping, catalog) with its path relative to its content root.</summary>
public sealed record ContentFile(string RelativePath, Func<string> ReadText);

namespace PostureScanner.Core.Content;

/// <summary>
/// A problem in a control, mapping or policy file, located as <c>file:line:column: field: problem</c>
/// so that an author can jump straight to it.
/// </summary>
public sealed class ContentException : Exception
{
    public ContentException(IReadOnlyList<ContentError> errors)
        : base(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
    {
        Errors = errors;
    }

    public ContentException(ContentError error)
        : this([error])
    {
    }

    public ContentException()
        : this([])
    {
    }

    public ContentException(string message)
        : this(new ContentError("", 0, 0, "", message))
    {
    }

    public ContentException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new ContentError("", 0, 0, "", message)];
    }

    public IReadOnlyList<ContentError> Errors { get; }
}

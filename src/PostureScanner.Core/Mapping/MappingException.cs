namespace PostureScanner.Core.Mapping;

/// <summary>A mapping expression failed on a record; the message names the mapping file, attribute and resource.</summary>
public sealed class MappingException : Exception
{
    public MappingException()
    {
    }

    public MappingException(string message)
        : base(message)
    {
    }

    public MappingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

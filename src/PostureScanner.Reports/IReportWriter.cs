namespace PostureScanner.Reports;

/// <summary>Writes a <see cref="ScanReport"/> in one format to a stream it does not close.</summary>
public interface IReportWriter
{
    /// <summary>The <c>--format</c> value (<c>json</c>, <c>sarif</c>, <c>csv</c>).</summary>
    string Format { get; }

    /// <summary>The usual file extension, with the dot.</summary>
    string FileExtension { get; }

    Task WriteAsync(ScanReport report, Stream output, CancellationToken cancellationToken = default);
}

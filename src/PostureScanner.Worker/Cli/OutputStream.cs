using System.Text;

namespace PostureScanner.Worker.Cli;

/// <summary>A write-only stream over a <see cref="TextWriter"/>, so Utf8JsonWriter output reaches the CLI's (test-replaceable) writer.</summary>
internal sealed class OutputStream : Stream
{
    private readonly TextWriter _writer;

    private OutputStream(TextWriter writer)
    {
        _writer = writer;
    }

    public static Stream Of(TextWriter writer) => new OutputStream(writer);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => _writer.Write(Encoding.UTF8.GetString(buffer, offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _writer.Write(Encoding.UTF8.GetString(buffer));
}

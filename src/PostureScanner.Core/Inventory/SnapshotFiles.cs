using System.IO.Compression;

namespace PostureScanner.Core.Inventory;

/// <summary>Opens input files: gzip is recognised by its magic bytes (1f 8b), never by the file name, and decompressed on the fly.</summary>
public static class SnapshotFiles
{
    private const int BufferSize = 64 * 1024;

    public static SnapshotFile Create(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new SnapshotFile(path, () => Open(path));
    }

    /// <summary>Opens the file for reading; a gzip file (several members allowed) comes back decompressed.</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            var read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b
                ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false)
                : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}

using System.Reflection;

namespace PostureScanner.Core.Content;

/// <summary>
/// Where controls or mappings come from: the copies embedded in this assembly (the default, so the
/// <c>posture</c> binary needs no files beside it) or a directory given on the command line.
/// </summary>
public abstract class ContentSource
{
    public abstract string Description { get; }

    public abstract IEnumerable<ContentFile> Files();

    public static ContentSource Embedded(string kind) => new EmbeddedContentSource(kind);

    public static ContentSource Directory(string root) => new DirectoryContentSource(root);

    private sealed class EmbeddedContentSource(string kind) : ContentSource
    {
        private static readonly Assembly Assembly = typeof(ContentSource).Assembly;

        public override string Description => $"built-in {kind}";

        public override IEnumerable<ContentFile> Files()
        {
            var prefix = kind + "/";
            return Assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(n => new ContentFile(n[prefix.Length..], () => Read(n)));
        }

        internal static string Read(string name)
        {
            using var stream = Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"embedded resource {name} is missing");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    private sealed class DirectoryContentSource(string root) : ContentSource
    {
        public override string Description => root;

        public override IEnumerable<ContentFile> Files()
        {
            if (!System.IO.Directory.Exists(root))
            {
                throw new ContentException(new ContentError(root, 0, 0, "", "directory not found"));
            }

            return System.IO.Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(p => new ContentFile(Path.GetRelativePath(root, p).Replace('\\', '/'), () => File.ReadAllText(p)));
        }
    }

    /// <summary>Reads an embedded file that is not YAML content (the NIST catalog).</summary>
    public static string ReadEmbedded(string name) => EmbeddedContentSource.Read(name);
}

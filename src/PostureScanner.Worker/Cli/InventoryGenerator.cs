using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// Generates large inventories from the demo records (themselves derived from real records): each
/// output record is a template with fresh ids, written in three real file formats — AWS Config
/// snapshots (<c>configurationItems</c>), Azure Resource Graph <c>objectArray</c> pages and GCP CAI
/// export JSON lines — in files of ~50,000 records (<see cref="RecordsPerFile"/>), streamed so generating 1 GB needs little memory.
/// </summary>
internal sealed class InventoryGenerator
{
    public const int DefaultRecordsPerFile = 50_000;
    private readonly Random _random;
    private readonly double _changeFraction;

    /// <param name="seed">Same seed, same inventory: the choice of template per record is deterministic.</param>
    /// <param name="changePercent">Share of records given another template of the same native type (same id), to make a "re-scan with N% changed" from the same seed.</param>
    public InventoryGenerator(int seed, double changePercent = 0)
    {
        _random = new Random(seed);
        _changeFraction = changePercent / 100;
    }

    /// <summary>Records per file; the providers take turns file by file.</summary>
    public int RecordsPerFile { get; init; } = DefaultRecordsPerFile;

    public sealed record Written(long Records, long Bytes, int Files);

    public async Task<Written> WriteAsync(string? templatePath, string directory, long records, long? limitBytes, CancellationToken cancellationToken)
    {
        var templates = await LoadTemplatesAsync(templatePath, cancellationToken);
        Directory.CreateDirectory(directory);
        long count = 0, bytes = 0;
        var files = 0;
        while (count < records && (limitBytes is null || bytes < limitBytes))
        {
            var provider = ProviderNames.All[files % 3];
            var pool = templates.Where(t => t.Provider == provider && KeepsScope(t)).ToList();
            if (pool.Count == 0)
            {
                files++;
                continue;
            }

            var n = (int)Math.Min(RecordsPerFile, records - count);
            var path = Path.Combine(directory, provider switch
            {
                Provider.Aws => $"aws-config-snapshot-{files:D5}.json",
                Provider.Azure => $"azure-resource-graph-{files:D5}.json",
                _ => $"gcp-cai-export-{files:D5}.jsonl",
            });
            await using (var stream = File.Create(path))
            await using (var text = new StreamWriter(stream))
            {
                WriteFile(text, provider, pool, n, count);
            }

            bytes += new FileInfo(path).Length;
            count += n;
            files++;
        }

        return new Written(count, bytes, files);
    }

    private void WriteFile(StreamWriter text, Provider provider, List<RawAsset> pool, int n, long offset)
    {
        using var json = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false };
        switch (provider)
        {
            case Provider.Aws:
                json.WriteStartObject();
                json.WritePropertyName("fileVersion");
                json.WriteValue("1.0");
                json.WritePropertyName("configSnapshotId");
                json.WriteValue(Guid.NewGuid().ToString());
                json.WritePropertyName("configurationItems");
                json.WriteStartArray();
                for (var i = 0; i < n; i++)
                {
                    Variant(pool, offset + i).WriteTo(json);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                break;
            case Provider.Azure:
                json.WriteStartObject();
                json.WritePropertyName("totalRecords");
                json.WriteValue(n);
                json.WritePropertyName("count");
                json.WriteValue(n);
                json.WritePropertyName("resultTruncated");
                json.WriteValue("false");
                json.WritePropertyName("data");
                json.WriteStartArray();
                for (var i = 0; i < n; i++)
                {
                    Variant(pool, offset + i).WriteTo(json);
                }

                json.WriteEndArray();
                json.WritePropertyName("facets");
                json.WriteStartArray();
                json.WriteEndArray();
                json.WriteEndObject();
                break;
            default:
                for (var i = 0; i < n; i++)
                {
                    text.WriteLine(Variant(pool, offset + i).ToString(Formatting.None));
                }

                break;
        }
    }

    /// <summary>A template with ids made unique by a numeric suffix (names stay valid for each cloud).</summary>
    private JObject Variant(List<RawAsset> pool, long index)
    {
        var original = pool[_random.Next(pool.Count)];
        var template = original;
        if (_changeFraction > 0 && Changed(index))
        {
            // The next template of the same native type: same kind of resource, different content, same id.
            var sameType = pool.Where(t => t.NativeType == original.NativeType).ToList();
            template = sameType[(sameType.IndexOf(original) + 1) % sameType.Count];
        }

        var copy = (JObject)template.Data.DeepClone();
        var suffix = "-g" + index.ToString(CultureInfo.InvariantCulture);
        string[] identity = template.Provider switch
        {
            Provider.Aws => ["arn", "resourceId", "resourceName"],
            Provider.Azure => ["id", "name"],
            _ => ["name"],
        };
        foreach (var key in identity)
        {
            if (original.Data[key] is JValue { Type: JTokenType.String } v)
            {
                copy[key] = v.Value<string>() + suffix;
            }
        }

        return copy;
    }

    /// <summary>
    /// Whether a copy stays in its template's scope. A GCP Project asset's name holds its own project id,
    /// so every copy would be a new project (one scope per copied project: thousands of one-record scopes,
    /// nothing like a real organisation); such templates are not copied.
    /// </summary>
    private static bool KeepsScope(RawAsset template)
    {
        if (template.Provider != Provider.Gcp)
        {
            return true;
        }

        var copy = (JObject)template.Data.DeepClone();
        copy["name"] = template.NativeId + "-g0";
        return Gcp.Snapshots.GcpAssetCanonicalizer.ProjectOf(copy) == Gcp.Snapshots.GcpAssetCanonicalizer.ProjectOf((JObject)template.Data);
    }

    /// <summary>A stable per-record decision (not drawn from the template RNG, so both runs pick the same templates otherwise).</summary>
    private bool Changed(long index)
    {
        var h = (ulong)index * 0x9E3779B97F4A7C15UL;
        return (h >> 11) / (double)(1UL << 53) < _changeFraction;
    }

    private static async Task<List<RawAsset>> LoadTemplatesAsync(string? templatePath, CancellationToken cancellationToken)
    {
        var folder = templatePath ?? DemoInventory.Extract();
        try
        {
            var reader = new SnapshotReader(SnapshotScan.Formats);
            var list = new List<RawAsset>();
            await foreach (var asset in reader.ReadAsync([folder], cancellationToken))
            {
                list.Add(asset);
            }

            return list;
        }
        finally
        {
            if (templatePath is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Npgsql;
using NpgsqlTypes;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// Streams evaluations into the per-merge temporary table with binary COPY, one row per evaluation;
/// the resource columns are filled on the first evaluation of each resource only. A resource that
/// appears twice in one scope keeps its first occurrence (the merge statements need unique keys).
/// </summary>
internal sealed class StagingWriter
{
    public const string CreateTable = """
        create temp table stage_evaluations (
            fingerprint    text not null,
            control_id     text not null,
            provider       text not null,
            resource_key   text not null,
            status         text not null,
            severity       text not null,
            nist           text[] not null,
            evidence       jsonb not null,
            message        text,
            content_hash   bytea not null,
            r_native_id    text,
            r_native_type  text,
            r_type         text,
            r_account      text,
            r_region       text,
            r_name         text,
            r_tags         jsonb,
            r_attributes   jsonb,
            r_raw_hash     bytea,
            r_content_hash bytea
        ) on commit drop
        """;

    private const string Copy = """
        copy stage_evaluations (fingerprint, control_id, provider, resource_key, status, severity, nist, evidence, message, content_hash,
            r_native_id, r_native_type, r_type, r_account, r_region, r_name, r_tags, r_attributes, r_raw_hash, r_content_hash)
        from stdin (format binary)
        """;

    private readonly HashSet<UInt128> _seenResources = [];

    public int Evaluations { get; private set; }

    public int Resources { get; private set; }

    public static string ResourceKey(Resource resource) =>
        resource.Provider == Provider.Azure ? resource.Id.ToLowerInvariant() : resource.Id;

    public async Task WriteAsync(NpgsqlConnection connection, IAsyncEnumerable<Evaluation> evaluations, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        Resource? current = null;
        var skipCurrent = false;
        string resourceKey = "";
        await foreach (var evaluation in evaluations.WithCancellation(cancellationToken))
        {
            var isFirstOfResource = !ReferenceEquals(evaluation.Resource, current);
            if (isFirstOfResource)
            {
                current = evaluation.Resource;
                resourceKey = ResourceKey(current);
                skipCurrent = !_seenResources.Add(BinaryPrimitives.ReadUInt128LittleEndian(Hash(current.Provider.ToName() + "|" + resourceKey)));
                if (!skipCurrent)
                {
                    Resources++;
                }
            }

            if (skipCurrent)
            {
                continue;
            }

            Evaluations++;
            await WriteRowAsync(importer, evaluation, resourceKey, isFirstOfResource, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter importer, Evaluation evaluation, string resourceKey, bool withResource, CancellationToken cancellationToken)
    {
        var status = evaluation.Status.ToName();
        var severity = evaluation.Severity.ToName();
        var nist = evaluation.Control.Definition.Nist.ToArray();
        var evidence = new JObject();
        foreach (var (path, value) in evaluation.Evidence)
        {
            evidence[path] = value?.DeepClone() ?? JValue.CreateNull();
        }

        var evidenceJson = evidence.ToString(Formatting.None);
        var contentHash = Hash($"{status}\n{severity}\n{string.Join(',', nist)}\n{evaluation.Message}\n{evidenceJson}");

        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(evaluation.Fingerprint, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(evaluation.Control.Definition.Id, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(evaluation.Resource.Provider.ToName(), NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(resourceKey, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(status, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(severity, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(nist, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(evidenceJson, NpgsqlDbType.Jsonb, cancellationToken);
        if (evaluation.Message is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(evaluation.Message, NpgsqlDbType.Text, cancellationToken);
        }

        await importer.WriteAsync(contentHash, NpgsqlDbType.Bytea, cancellationToken);

        if (!withResource)
        {
            for (var i = 0; i < 10; i++)
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            return;
        }

        var r = evaluation.Resource;
        var tags = new JObject();
        foreach (var (key, value) in r.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            tags[key] = value;
        }

        var attributes = new JObject();
        foreach (var (key, value) in r.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            attributes[key] = value.DeepClone();
        }

        var tagsJson = tags.ToString(Formatting.None);
        var attributesJson = attributes.ToString(Formatting.None);
        var rawHash = Hash(r.Raw.Data.ToString(Formatting.None));
        var resourceHash = Hash($"{r.Id}\n{r.NativeType}\n{r.Type}\n{r.Account}\n{r.Region}\n{r.Name}\n{tagsJson}\n{attributesJson}\n{Convert.ToHexString(rawHash)}");

        await importer.WriteAsync(r.Id, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.NativeType, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Type, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Account, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Region, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Name, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(tagsJson, NpgsqlDbType.Jsonb, cancellationToken);
        await importer.WriteAsync(attributesJson, NpgsqlDbType.Jsonb, cancellationToken);
        await importer.WriteAsync(rawHash, NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(resourceHash, NpgsqlDbType.Bytea, cancellationToken);
    }

    /// <summary>First 16 bytes of SHA-256: enough to tell content apart, half the index size.</summary>
    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text))[..16];
}

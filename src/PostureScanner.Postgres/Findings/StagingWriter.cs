using Npgsql;
using NpgsqlTypes;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// Streams staged evaluations (see <see cref="EvaluationStager"/>) into the per-merge temporary table
/// with binary COPY, one row per evaluation; the resource columns are filled on the first evaluation of
/// each resource only; then the ids of the stored resources the scan did not see (the merge deletes them)
/// and of those that moved to another scope of the same scan (that scope's merge moves them); a resource
/// found unchanged is in neither and needs no row at all. JSON is staged as text:
/// PostgreSQL parses JSON only for the rows the merge writes. The tables live as long as the connection's
/// session, not the merge transaction, so a merge that loses a deadlock can run again from them.
/// </summary>
internal sealed class StagingWriter
{
    public const string CreateTables = """
        drop table if exists stage_evaluations, stage_unseen, stage_moved;
        create temp table stage_unseen (id bigint not null);
        create temp table stage_moved (id bigint not null);
        create temp table stage_evaluations (
            fingerprint    text not null,
            control_id     text not null,
            provider       text not null,
            resource_key   text not null,
            status         text not null,
            severity       text not null,
            nist           text[] not null,
            evidence       text not null,
            message        text,
            content_hash   bytea not null,
            r_native_id    text,
            r_native_type  text,
            r_type         text,
            r_account      text,
            r_region       text,
            r_name         text,
            r_tags         text,
            r_attributes   text,
            r_raw_hash     bytea,
            r_content_hash bytea,
            r_digest       bytea,
            r_record_hash  bytea,
            r_record_resources smallint,
            r_counts       integer[],
            r_stable_until timestamptz
        )
        """;

    public const string DropTables = "drop table if exists stage_evaluations, stage_unseen, stage_moved";

    private const string Copy = """
        copy stage_evaluations (fingerprint, control_id, provider, resource_key, status, severity, nist, evidence, message, content_hash,
            r_native_id, r_native_type, r_type, r_account, r_region, r_name, r_tags, r_attributes, r_raw_hash, r_content_hash, r_digest,
            r_record_hash, r_record_resources, r_counts, r_stable_until)
        from stdin (format binary)
        """;

    public int Rows { get; private set; }

    public async Task WriteAsync(NpgsqlConnection connection, IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> batches, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            foreach (var row in batch)
            {
                Rows++;
                await WriteRowAsync(importer, row, cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>Ids into one of the id tables (<c>stage_unseen</c>, <c>stage_moved</c>).</summary>
    public static async Task WriteIdsAsync(NpgsqlConnection connection, string table, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"copy {table} (id) from stdin (format binary)", cancellationToken);
        foreach (var id in ids)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter importer, StagedEvaluation row, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken);
        await importer.WriteAsync(row.Fingerprint, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.ControlId, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.Provider, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.ResourceKey, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.Status, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.Severity, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.Nist as string[] ?? [.. row.Nist], NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(row.EvidenceJson, NpgsqlDbType.Text, cancellationToken);
        if (row.Message is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(row.Message, NpgsqlDbType.Text, cancellationToken);
        }

        await importer.WriteAsync(row.ContentHash, NpgsqlDbType.Bytea, cancellationToken);

        if (row.Resource is not { } r)
        {
            for (var i = 0; i < 15; i++)
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            return;
        }

        await importer.WriteAsync(r.NativeId, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.NativeType, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Type, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Account, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Region, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.Name, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.TagsJson, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.AttributesJson, NpgsqlDbType.Text, cancellationToken);
        await importer.WriteAsync(r.RawHash, NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(r.ContentHash, NpgsqlDbType.Bytea, cancellationToken);
        await importer.WriteAsync(r.EvaluationDigest, NpgsqlDbType.Bytea, cancellationToken);
        if (r.RecordHash is { } recordHash)
        {
            await importer.WriteAsync(recordHash, NpgsqlDbType.Bytea, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }

        await importer.WriteAsync((short)r.RecordResources, NpgsqlDbType.Smallint, cancellationToken);
        await importer.WriteAsync(r.EvaluationCounts as int[] ?? [.. r.EvaluationCounts], NpgsqlDbType.Array | NpgsqlDbType.Integer, cancellationToken);
        if (r.StableUntil is { } until)
        {
            await importer.WriteAsync(until, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }
}

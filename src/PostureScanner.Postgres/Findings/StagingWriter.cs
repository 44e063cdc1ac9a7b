using Npgsql;

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

    /// <summary>Columns of <see cref="Copy"/>, in its order.</summary>
    private const short Columns = 25;

    /// <summary>Rows are sent to the server in chunks of about this many bytes.</summary>
    private const int FlushBytes = 256 * 1024;

    public int Rows { get; private set; }

    public async Task WriteAsync(NpgsqlConnection connection, IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> batches, CancellationToken cancellationToken) =>
        Rows = await CopyAsync(connection, Copy, batches, WriteRow, cancellationToken);

    /// <summary>Ids into one of the id tables (<c>stage_unseen</c>, <c>stage_moved</c>).</summary>
    public static Task WriteIdsAsync(NpgsqlConnection connection, string table, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        CopyAsync(connection, $"copy {table} (id) from stdin (format binary)", Once(ids), static (rows, id) =>
        {
            rows.StartRow(1);
            rows.Int64(id);
        }, cancellationToken);

    /// <summary>One binary COPY of the batches' rows, sent in chunks of about <see cref="FlushBytes"/>; returns the rows sent.</summary>
    private static async Task<int> CopyAsync<T>(NpgsqlConnection connection, string copy, IAsyncEnumerable<IReadOnlyList<T>> batches,
        Action<BinaryCopyRows, T> writeRow, CancellationToken cancellationToken)
    {
        var rows = new BinaryCopyRows();
        var count = 0;
        var stream = await connection.BeginRawBinaryCopyAsync(copy, cancellationToken);
        try
        {
            rows.WriteHeader();
            await foreach (var batch in batches.WithCancellation(cancellationToken))
            {
                foreach (var row in batch)
                {
                    count++;
                    writeRow(rows, row);
                }

                if (rows.Length >= FlushBytes)
                {
                    await stream.WriteAsync(rows.Written, cancellationToken);
                    rows.Clear();
                }
            }

            rows.WriteTrailer();
            await stream.WriteAsync(rows.Written, cancellationToken);
        }
        catch
        {
            // Disposing a raw COPY stream ends the COPY with what it holds: a stage cut short must be
            // cancelled instead, so no half-written rows reach the table.
            await stream.CancelAsync();
            await stream.DisposeAsync();
            throw;
        }

        await stream.DisposeAsync();
        return count;
    }

#pragma warning disable CS1998 // async iterator without await: ids already in memory, as one batch
    private static async IAsyncEnumerable<IReadOnlyList<long>> Once(IReadOnlyList<long> ids)
#pragma warning restore CS1998
    {
        yield return ids;
    }

    private static void WriteRow(BinaryCopyRows rows, StagedEvaluation row)
    {
        rows.StartRow(Columns);
        rows.Text(row.Fingerprint);
        rows.Text(row.ControlId);
        rows.Text(row.Provider);
        rows.Text(row.ResourceKey);
        rows.Text(row.Status);
        rows.Text(row.Severity);
        rows.TextArray(row.Nist);
        rows.Text(row.EvidenceJson);
        rows.Text(row.Message);
        rows.Bytea(row.ContentHash.Span);
        if (row.Resource is not { } r)
        {
            for (var i = 0; i < 15; i++)
            {
                rows.Null();
            }

            return;
        }

        rows.Text(r.NativeId);
        rows.Text(r.NativeType);
        rows.Text(r.Type);
        rows.Text(r.Account);
        rows.Text(r.Region);
        rows.Text(r.Name);
        rows.Text(r.TagsJson);
        rows.Text(r.AttributesJson);
        rows.Bytea(r.RawHash.Span);
        rows.Bytea(r.ContentHash.Span);
        rows.Bytea(r.EvaluationDigest.Span);
        if (r.RecordHash is { } recordHash)
        {
            rows.Bytea(recordHash.Span);
        }
        else
        {
            rows.Null();
        }

        rows.Int16((short)r.RecordResources);
        rows.Int32Array(r.EvaluationCounts);
        if (r.StableUntil is { } until)
        {
            rows.TimestampTz(until);
        }
        else
        {
            rows.Null();
        }
    }
}

using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Postgres.Findings;

/// <content>The per-scope merge.</content>
public sealed partial class FindingStore
{
    /// <summary>Rows per batch handed from a scan to a merge: large enough that the hand-off costs nothing per row.</summary>
    public const int StageBatchSize = 1024;

    /// <summary>How often a merge runs before a deadlock with concurrent merges fails it (each loss means another merge committed).</summary>
    private const int MaxMergeAttempts = 5;

    /// <summary>
    /// Stores one completed scope: evaluations stream into a temporary table with binary COPY, then
    /// set-based statements insert new findings, rewrite changed ones (content hash differs), and
    /// resolve what is missing, with events and outbox rows, all in one transaction. If reading the
    /// evaluations fails, nothing is merged: the scope is recorded as failed with the error and the
    /// result says so (cancellation is rethrown).
    /// </summary>
    public async Task<ScopeMergeResult> MergeScopeAsync(ScanHandle scan, string scope, IAsyncEnumerable<Evaluation> evaluations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        var stager = new EvaluationStager(await LoadScopeDigestsAsync(scan, scope, cancellationToken));
        return await MergeScopeAsync(scan, scope, stager, Stage(stager, evaluations, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// As <see cref="MergeScopeAsync(ScanHandle, string, IAsyncEnumerable{Evaluation}, CancellationToken)"/>,
    /// from rows <paramref name="stager"/> (the scope's, see <see cref="LoadScopeDigestsAsync"/>) already
    /// built, in batches: the form a scan uses to hand a scope's rows to its merge on another thread. The
    /// stager's unchanged resources and counts are read when <paramref name="batches"/> ends, so the stager
    /// must be complete (<see cref="EvaluationStager.Complete"/>) by then.
    /// <para>
    /// The staged rows outlive the merge transaction (they are session tables of the merge's connection):
    /// when two merges running side by side deadlock (a resource moving between their scopes is updated by
    /// one and deleted by the other), PostgreSQL aborts one of them, and that one runs again from the same
    /// rows once the other committed.
    /// </para>
    /// </summary>
    public async Task<ScopeMergeResult> MergeScopeAsync(ScanHandle scan, string scope, EvaluationStager stager,
        IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(stager);
        ArgumentNullException.ThrowIfNull(batches);
        var started = _time.GetUtcNow();
        await ExpireSuppressionsAsync(cancellationToken);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var scopeId = await EnsureScopeAsync(connection, scan.TargetId, scope, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(StagingWriter.CreateTables, cancellationToken: cancellationToken));
        try
        {
            try
            {
                await new StagingWriter().WriteAsync(connection, batches, cancellationToken);
                await StagingWriter.WriteIdsAsync(connection, "stage_unseen", stager.UnseenResourceIds(), cancellationToken);
                await StagingWriter.WriteIdsAsync(connection, "stage_moved", stager.MovedOutResourceIds, cancellationToken);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                var reason = $"{ex.GetType().Name}: {ex.Message}";
                await RecordFailedScopeAsync(scan, scope, reason, started, cancellationToken);
                return new ScopeMergeResult { Scope = scope, Status = ScopeStatus.Failed, Reason = reason };
            }

            // Indexes before the statistics: the merge statements anti-join findings and resources of the
            // scope against the stage, and right after a first scan the planner's estimate of those tables is
            // stale (empty), so without an index a nested loop over the stage is quadratic.
            await StepAsync(connection, null, "index", """
                create index on stage_evaluations (resource_key); create index on stage_unseen (id); create index on stage_moved (id)
                """, null, cancellationToken);
            await StepAsync(connection, null, "analyze",
                "analyze stage_evaluations (fingerprint, provider, resource_key, status, r_native_id); analyze stage_unseen; analyze stage_moved", null, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await MergeStagedAsync(connection, scan, scope, scopeId, stager, started, cancellationToken);
                }
                catch (PostgresException ex) when (IsConflictWithConcurrentMerge(ex) && attempt < MaxMergeAttempts)
                {
                    Log.MergeRetried(_logger, scope, scan.ScanId, ex.SqlState, attempt + 1);
                }
            }
        }
        finally
        {
            await DropStageAsync(connection);
        }
    }

    /// <summary>
    /// A merge that lost to a concurrent one: a deadlock (a resource moving between two scopes merged side
    /// by side), a serialization failure, or a finding another merge inserted after this one looked for it
    /// (<see cref="MergeSql.FindingsInsert"/>). Running it again from the staged rows settles it.
    /// </summary>
    private static bool IsConflictWithConcurrentMerge(PostgresException ex) =>
        ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
        || (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "findings_fingerprint_key_idx");

    /// <summary>The merge statements over the staged rows, in one transaction.</summary>
    private async Task<ScopeMergeResult> MergeStagedAsync(NpgsqlConnection connection, ScanHandle scan, string scope, long scopeId,
        EvaluationStager stager, DateTimeOffset started, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // JIT compiling the merge statements cost more than running them (hundreds of ms each, per scope).
        await connection.ExecuteAsync(new CommandDefinition("set local jit = off", transaction: transaction, cancellationToken: cancellationToken));
        await StepAsync(connection, transaction, "lock", MergeSql.LockScope, new { scope = scopeId }, cancellationToken);
        var prev = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "select last_completed_at from scopes where id = @scope", new { scope = scopeId }, transaction, cancellationToken: cancellationToken));
        var now = _time.GetUtcNow();
        var controls = stager.ScanControlTypes;
        var p = new
        {
            scope = scopeId,
            scan = scan.ScanId,
            now,
            baseline = prev is null,
            prev = prev is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset?)null,
            controlIds = controls.Keys.ToArray(),
            controlTypes = controls.Values.ToArray(),
        };

        await StepAsync(connection, transaction, "stage-resources", MergeSql.StageResources, p, cancellationToken);
        await StepAsync(connection, transaction, "resources-update", MergeSql.ResourcesUpdate, p, cancellationToken);
        await StepAsync(connection, transaction, "resources-insert", MergeSql.ResourcesInsert, p, cancellationToken);
        await StepAsync(connection, transaction, "resources-delete", MergeSql.ResourcesDelete, p, cancellationToken);
        await StepAsync(connection, transaction, "fingerprint-index", MergeSql.IndexStageFingerprints, p, cancellationToken);
        await StepAsync(connection, transaction, "stage-match", MergeSql.StageMatch, p, cancellationToken);
        var anySuppression = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(MergeSql.AnyActiveSuppression, p, transaction, cancellationToken: cancellationToken));
        var passing = await connection.ExecuteAsync(new CommandDefinition(MergeSql.FindingsInsert(anySuppression, failing: false), p, transaction,
            commandTimeout: 0, cancellationToken: cancellationToken));
        var inserted = await CountedStepAsync(connection, transaction, "findings-insert", MergeSql.FindingsInsert(anySuppression, failing: true), p, cancellationToken);
        inserted = inserted with { Rows = inserted.Rows + passing };
        await StepAsync(connection, transaction, "stage-changed", MergeSql.StageChanged, p, cancellationToken);
        var changed = await CountedStepAsync(connection, transaction, "findings-update", MergeSql.FindingsUpdate, p, cancellationToken);
        await StepAsync(connection, transaction, "stage-gone", MergeSql.StageGone, p, cancellationToken);
        var missing = await CountedStepAsync(connection, transaction, "findings-missing", MergeSql.FindingsMissing, p, cancellationToken);
        var suppressed = new StepCounts(0, 0, 0, 0);
        if (anySuppression)
        {
            suppressed = await CountedStepAsync(connection, transaction, "apply-suppressions", MergeSql.ApplySuppressions, p, cancellationToken);
        }

        var outbox = inserted.Outbox + changed.Outbox + missing.Outbox;
        if (p.baseline)
        {
            await StepAsync(connection, transaction, "baseline", MergeSql.BaselineDigest, p, cancellationToken);
            outbox++;
        }

        var result = new ScopeMergeResult
        {
            Scope = scope,
            Status = ScopeStatus.Completed,
            Evaluations = stager.Evaluations,
            Resources = stager.Resources,
            UnchangedResources = stager.UnchangedResourceIds.Count,
            Inserted = inserted.Rows,
            Changed = changed.Rows,
            Missing = missing.Rows,
            Resolved = changed.Resolved + missing.Resolved,
            Unchanged = stager.Evaluations - inserted.Rows - changed.Rows,
            Events = inserted.Events + changed.Events + missing.Events + suppressed.Events,
            OutboxRows = outbox,
            Baseline = p.baseline,
        };

        await StepAsync(connection, transaction, "record-scope", MergeSql.RecordScope, new
        {
            scan = scan.ScanId,
            scope = scopeId,
            status = "completed",
            reason = (string?)null,
            started,
            now,
            evaluations = result.Evaluations,
            resources = result.Resources,
            inserted = result.Inserted,
            changed = result.Changed,
            resolved = result.Resolved,
            unchanged = result.Unchanged,
        }, cancellationToken);
        await StepAsync(connection, transaction, "scope-completed",
            "update scopes set last_completed_at = @now, last_scan_id = @scan where id = @scope", p, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.ScopeMerged(_logger, scope, scan.ScanId, result.Inserted, result.Changed, result.Resolved, result.Unchanged);
        return result;
    }

    /// <summary>
    /// The resources <paramref name="scope"/> of the scan's target holds now, with their evaluation digests
    /// (none for a new scope): what a scan loads when it opens the scope, before staging its first row.
    /// </summary>
    public async Task<ScopeDigests> LoadScopeDigestsAsync(ScanHandle scan, string scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            select r.id, r.provider, r.resource_key, r.evaluation_digest
            from resources r join scopes sc on sc.id = r.scope_id
            where sc.target_id = $1 and sc.name = $2 and r.deleted_at is null
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = scan.TargetId });
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        var byKey = new Dictionary<UInt128, (long Id, UInt128? Digest)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = ScopeDigests.KeyOf(reader.GetString(1), reader.GetString(2));
            byKey[key] = (reader.GetInt64(0), reader.IsDBNull(3) ? null : ScopeDigests.FromBytes(reader.GetFieldValue<byte[]>(3)));
        }

        return byKey.Count == 0 ? ScopeDigests.None : new ScopeDigests(byKey);
    }

    /// <summary>The names of the scopes the scan's target holds (oldest first): what a scan can prefetch the digests of.</summary>
    public async Task<IReadOnlyList<string>> ScopeNamesAsync(ScanHandle scan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return [.. (await ScopesAsync(connection, scan, cancellationToken)).Select(s => s.Name)];
    }

    private static async Task<IEnumerable<(long Id, string Name)>> ScopesAsync(NpgsqlConnection connection, ScanHandle scan, CancellationToken cancellationToken) =>
        await connection.QueryAsync<(long Id, string Name)>(new CommandDefinition(
            "select id, name from scopes where target_id = @target order by id", new { target = scan.TargetId }, cancellationToken: cancellationToken));

    /// <summary>
    /// The records of the scan's target that it may keep unparsed (see <see cref="StoredRecords"/>): read
    /// once when the scan starts, for every scope last merged under the scan's control-set hash, whose
    /// evaluations the clock cannot have changed by <paramref name="now"/> (the scan's evaluation time).
    /// </summary>
    public async Task<StoredRecords> LoadStoredRecordsAsync(ScanHandle scan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var scopes = (await ScopesAsync(connection, scan, cancellationToken)).ToList();
        var scopeIndex = scopes.Select((s, i) => (s.Id, i)).ToDictionary(s => s.Id, s => s.i);

        // Providers as their index in ProviderNames.All and counts as nine columns, so a million rows read
        // no strings and allocate no arrays.
        await using var command = new NpgsqlCommand("""
            select r.scope_id, (case r.provider when 'aws' then 0 when 'azure' then 1 else 2 end)::int2, r.id, r.record_hash,
                   r.record_resources, r.evaluation_counts[1], r.evaluation_counts[2], r.evaluation_counts[3], r.evaluation_counts[4],
                   r.evaluation_counts[5], r.evaluation_counts[6], r.evaluation_counts[7], r.evaluation_counts[8], r.evaluation_counts[9]
            from resources r
            join scopes sc on sc.id = r.scope_id
            join scans s on s.id = sc.last_scan_id
            where sc.target_id = $1 and s.control_set_hash = $2
              and r.deleted_at is null and r.record_hash is not null and r.evaluation_digest is not null
              and (r.stable_until is null or r.stable_until > $3)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = scan.TargetId });
        command.Parameters.Add(new NpgsqlParameter { Value = scan.ControlSetHash });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        var records = new StoredRecords.Builder([.. scopes.Select(s => s.Name)]);
        var hash = new byte[16];
        var counts = new int[EvaluationCounts.Length];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                reader.GetBytes(3, 0, hash, 0, hash.Length);
                for (var i = 0; i < counts.Length; i++)
                {
                    counts[i] = reader.IsDBNull(5 + i) ? 0 : reader.GetInt32(5 + i);
                }

                records.Add(ScopeDigests.FromBytes(hash), scopeIndex[reader.GetInt64(0)], (byte)reader.GetInt16(1), reader.GetInt64(2),
                    reader.GetInt16(4), counts);
            }
        }

        return records.Build();
    }

    /// <summary>Drops the session's stage tables so the pooled connection does not carry them (best effort: a broken connection has none left).</summary>
    private static async Task DropStageAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(StagingWriter.DropTables);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection broke (the merge was cancelled or the server went away): the session and its tables are gone with it.
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> Stage(EvaluationStager stager, IAsyncEnumerable<Evaluation> evaluations,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<StagedEvaluation>(StageBatchSize);
        await foreach (var evaluation in evaluations.WithCancellation(cancellationToken))
        {
            stager.Add(evaluation, batch);
            if (batch.Count >= StageBatchSize)
            {
                yield return batch;
                batch = new List<StagedEvaluation>(StageBatchSize);
            }
        }

        stager.Complete(batch);
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private async Task StepAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string step, string sql, object? parameters, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        if (AfterMergeStep is { } hook)
        {
            await hook(step, cancellationToken);
        }
    }

    private async Task<StepCounts> CountedStepAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string step, string sql, object parameters, CancellationToken cancellationToken)
    {
        var counts = await connection.QuerySingleAsync<StepCounts>(new CommandDefinition(sql, parameters, transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        if (AfterMergeStep is { } hook)
        {
            await hook(step, cancellationToken);
        }

        return counts;
    }
}

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

    /// <summary>
    /// Stores one completed scope: evaluations stream into a temporary table with binary COPY, then
    /// set-based statements insert new findings, rewrite changed ones (content hash differs), and
    /// resolve what is missing, with events and outbox rows, all in one transaction. If reading the
    /// evaluations fails, nothing is merged: the scope is recorded as failed with the error and the
    /// result says so (cancellation is rethrown).
    /// </summary>
    public Task<ScopeMergeResult> MergeScopeAsync(ScanHandle scan, string scope, IAsyncEnumerable<Evaluation> evaluations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        return MergeScopeAsync(scan, scope, Stage(evaluations, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// As <see cref="MergeScopeAsync(ScanHandle, string, IAsyncEnumerable{Evaluation}, CancellationToken)"/>,
    /// from rows an <see cref="EvaluationStager"/> (one per scope) already built, in batches: the form a
    /// scan uses to hand a scope's rows to its merge on another thread.
    /// </summary>
    public async Task<ScopeMergeResult> MergeScopeAsync(ScanHandle scan, string scope, IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(batches);
        var started = _time.GetUtcNow();
        await ExpireSuppressionsAsync(cancellationToken);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var scopeId = await EnsureScopeAsync(connection, scan.TargetId, scope, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // JIT compiling the merge statements cost more than running them (hundreds of ms each, per scope).
        await connection.ExecuteAsync(new CommandDefinition("set local jit = off; " + StagingWriter.CreateTable, transaction: transaction, cancellationToken: cancellationToken));
        var staging = new StagingWriter();
        try
        {
            await staging.WriteAsync(connection, batches, cancellationToken);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            var reason = $"{ex.GetType().Name}: {ex.Message}";
            await RecordFailedScopeAsync(scan, scope, reason, started, cancellationToken);
            return new ScopeMergeResult { Scope = scope, Status = ScopeStatus.Failed, Reason = reason };
        }

        // Indexes before the statistics: the merge statements anti-join findings and resources of the
        // scope against the stage, and right after a first scan the planner's estimate of those tables is
        // stale (empty), so without an index a nested loop over the stage is quadratic.
        await StepAsync(connection, transaction, "index", "create index on stage_evaluations (fingerprint); create index on stage_evaluations (resource_key)", null, cancellationToken);
        await StepAsync(connection, transaction, "analyze", "analyze stage_evaluations (fingerprint, provider, resource_key, status, r_native_id)", null, cancellationToken);
        await StepAsync(connection, transaction, "lock", MergeSql.LockScope, new { scope = scopeId }, cancellationToken);
        var prev = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "select last_completed_at from scopes where id = @scope", new { scope = scopeId }, transaction, cancellationToken: cancellationToken));
        var now = _time.GetUtcNow();
        var p = new
        {
            scope = scopeId,
            scan = scan.ScanId,
            now,
            baseline = prev is null,
            prev = prev is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : (DateTimeOffset?)null,
        };

        await StepAsync(connection, transaction, "stage-resources", MergeSql.StageResources, p, cancellationToken);
        await StepAsync(connection, transaction, "resources-update", MergeSql.ResourcesUpdate, p, cancellationToken);
        await StepAsync(connection, transaction, "resources-insert", MergeSql.ResourcesInsert, p, cancellationToken);
        await StepAsync(connection, transaction, "resources-delete", MergeSql.ResourcesDelete, p, cancellationToken);
        await StepAsync(connection, transaction, "stage-match", MergeSql.StageMatch, p, cancellationToken);
        var inserted = await CountedStepAsync(connection, transaction, "findings-insert", MergeSql.FindingsInsert, p, cancellationToken);
        await StepAsync(connection, transaction, "stage-changed", MergeSql.StageChanged, p, cancellationToken);
        var changed = await CountedStepAsync(connection, transaction, "findings-update", MergeSql.FindingsUpdate, p, cancellationToken);
        await StepAsync(connection, transaction, "stage-gone", MergeSql.StageGone, p, cancellationToken);
        var missing = await CountedStepAsync(connection, transaction, "findings-missing", MergeSql.FindingsMissing, p, cancellationToken);
        var suppressed = new StepCounts(0, 0, 0, 0);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(MergeSql.AnyActiveSuppression, p, transaction, cancellationToken: cancellationToken)))
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
            Evaluations = staging.Evaluations,
            Resources = staging.Resources,
            Inserted = inserted.Rows,
            Changed = changed.Rows,
            Missing = missing.Rows,
            Resolved = changed.Resolved + missing.Resolved,
            Unchanged = staging.Evaluations - inserted.Rows - changed.Rows,
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

    private static async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> Stage(IAsyncEnumerable<Evaluation> evaluations,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stager = new EvaluationStager();
        var batch = new List<StagedEvaluation>(StageBatchSize);
        await foreach (var evaluation in evaluations.WithCancellation(cancellationToken))
        {
            if (stager.Stage(evaluation) is not { } row)
            {
                continue;
            }

            batch.Add(row);
            if (batch.Count == StageBatchSize)
            {
                yield return batch;
                batch = new List<StagedEvaluation>(StageBatchSize);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private async Task StepAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string step, string sql, object? parameters, CancellationToken cancellationToken)
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

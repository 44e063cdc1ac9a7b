using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// The system of record for findings: scans and scopes, the fast per-scope merge (binary COPY into a
/// temporary table, then one set-based statement per kind of change, one transaction per scope), the
/// lifecycle with its events and outbox rows, suppressions, and the queries the CLI and exports need.
/// Every timestamp comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class FindingStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public FindingStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<FindingStore>? logger = null)
    {
        _dataSource = dataSource;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Test seam: called inside the merge transaction after each statement (the crash test kills the process there).</summary>
    internal Func<string, CancellationToken, Task>? AfterMergeStep { get; set; }

    /// <summary>Registers the target if new and opens a scan of it.</summary>
    public async Task<ScanHandle> BeginScanAsync(string target, string controlSetHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var targetId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            with i as (insert into targets (name, created_at) values (@target, @now) on conflict (name) do nothing returning id)
            select id from i union all select id from targets where name = @target limit 1
            """, new { target, now }, cancellationToken: cancellationToken));
        var scanId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "insert into scans (target_id, started_at, control_set_hash) values (@targetId, @now, @controlSetHash) returning id",
            new { targetId, now, controlSetHash }, cancellationToken: cancellationToken));
        return new ScanHandle { ScanId = scanId, TargetId = targetId, Target = target, ControlSetHash = controlSetHash, StartedAt = now };
    }

    /// <summary>
    /// Records a scope as failed with the reason. Nothing in it is resolved or deleted: its findings
    /// stay as they were.
    /// </summary>
    public async Task FailScopeAsync(ScanHandle scan, string scope, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var now = _time.GetUtcNow();
        await RecordFailedScopeAsync(scan, scope, reason, now, cancellationToken);
    }

    /// <summary>Closes the scan: completed when every scope completed, partial when some failed, failed when none completed.</summary>
    public async Task<ScanStatus> CompleteScanAsync(ScanHandle scan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string>(new CommandDefinition("""
            update scans set finished_at = @now,
                status = (select case when count(*) filter (where status = 'completed') = 0 then 'failed'
                                      when count(*) filter (where status = 'failed') > 0 then 'partial'
                                      else 'completed' end
                          from scan_scopes where scan_id = @scan)
            where id = @scan
            returning status
            """, new { now, scan = scan.ScanId }, cancellationToken: cancellationToken));
        return StoreNames.ParseScanStatus(status ?? throw new InvalidOperationException($"scan {scan.ScanId} does not exist"));
    }

    private async Task RecordFailedScopeAsync(ScanHandle scan, string scope, string reason, DateTimeOffset started, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var scopeId = await EnsureScopeAsync(connection, scan.TargetId, scope, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MergeSql.RecordScope, new
        {
            scan = scan.ScanId,
            scope = scopeId,
            status = "failed",
            reason,
            started,
            now = _time.GetUtcNow(),
            evaluations = 0,
            resources = 0,
            inserted = 0,
            changed = 0,
            resolved = 0,
            unchanged = 0,
        }, cancellationToken: cancellationToken));
        Log.ScopeFailed(_logger, scope, scan.ScanId, reason);
    }

    private static Task<long> EnsureScopeAsync(NpgsqlConnection connection, long targetId, string scope, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            with i as (insert into scopes (target_id, name) values (@targetId, @scope) on conflict (target_id, name) do nothing returning id)
            select id from i union all select id from scopes where target_id = @targetId and name = @scope limit 1
            """, new { targetId, scope }, cancellationToken: cancellationToken));
}

using Dapper;

namespace PostureScanner.Postgres.Findings;

/// <content>Suppressions: retroactive on add, expiring with an event, removable.</content>
public sealed partial class FindingStore
{
    /// <summary>
    /// Adds a suppression and applies it at once to every matching finding that is not suppressed yet
    /// (retroactive); later scans apply it to new findings. Open findings get a <c>suppressed</c> event.
    /// </summary>
    public async Task<SuppressionRecord> AddSuppressionAsync(SuppressionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Fingerprint is null && request.ControlId is null && request.ResourcePattern is null && request.TagKey is null)
        {
            throw new ArgumentException("a suppression needs a fingerprint, a control, a resource pattern or a tag", nameof(request));
        }

        if (request.TagValue is not null && request.TagKey is null)
        {
            throw new ArgumentException("a tag value needs a tag key", nameof(request));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(request.Reason, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Owner, nameof(request));
        var now = _time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            throw new ArgumentException($"the expiry {expires:O} is in the past", nameof(request));
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into suppressions (fingerprint, control_id, resource_pattern, tag_key, tag_value, reason, owner, created_at, expires_at)
            values (@Fingerprint, @ControlId, @ResourcePattern, @TagKey, @TagValue, @Reason, @Owner, @now, @ExpiresAt)
            returning id
            """, new
        {
            request.Fingerprint,
            request.ControlId,
            request.ResourcePattern,
            request.TagKey,
            request.TagValue,
            request.Reason,
            request.Owner,
            now,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            with m as (
                update findings f set suppression_id = sp.id
                from suppressions sp, resources r
                where sp.id = @id and r.id = f.resource_id and f.suppression_id is null
                  and suppression_matches(sp, f.fingerprint, f.control_id, f.provider, r.native_id, r.tags, @now)
                returning f.id, f.status, f.severity, f.resolved_at
            )
            insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity, suppression_id)
            select id, null, 'suppressed', @now, status, status, severity, severity, @id from m
            where status = 'fail' and resolved_at is null
            """, new { id, now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (await ListSuppressionsAsync(includeInactive: true, cancellationToken)).Single(s => s.Id == id);
    }

    /// <summary>Active suppressions (or all, with <paramref name="includeInactive"/>), with the number of findings each covers.</summary>
    public async Task<IReadOnlyList<SuppressionRecord>> ListSuppressionsAsync(bool includeInactive, CancellationToken cancellationToken)
    {
        await ExpireSuppressionsAsync(cancellationToken);
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            select sp.*, (sp.removed_at is null and (sp.expires_at is null or sp.expires_at > @now)) as active,
                   (select count(*)::int from findings f where f.suppression_id = sp.id) as findings
            from suppressions sp
            where @all or (sp.removed_at is null and (sp.expires_at is null or sp.expires_at > @now))
            order by sp.id
            """, new { now, all = includeInactive }, cancellationToken: cancellationToken));
        return rows.Cast<IDictionary<string, object?>>().Select(r => new SuppressionRecord
        {
            Id = (long)r["id"]!,
            Fingerprint = (string?)r["fingerprint"],
            ControlId = (string?)r["control_id"],
            ResourcePattern = (string?)r["resource_pattern"],
            TagKey = (string?)r["tag_key"],
            TagValue = (string?)r["tag_value"],
            Reason = (string)r["reason"]!,
            Owner = (string)r["owner"]!,
            CreatedAt = Rows.Time(r["created_at"]),
            ExpiresAt = Rows.OptionalTime(r["expires_at"]),
            RemovedAt = Rows.OptionalTime(r["removed_at"]),
            Active = (bool)r["active"]!,
            Findings = (int)r["findings"]!,
        }).ToList();
    }

    /// <summary>Removes a suppression: its findings are no longer suppressed (open ones get an <c>unsuppressed</c> event). False when unknown or already removed.</summary>
    public async Task<bool> RemoveSuppressionAsync(long id, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "update suppressions set removed_at = @now where id = @id and removed_at is null", new { id, now }, transaction, cancellationToken: cancellationToken));
        if (removed == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            with m as (
                update findings f set suppression_id = null where f.suppression_id = @id
                returning f.id, f.status, f.severity, f.resolved_at
            )
            insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity, suppression_id)
            select id, null, 'unsuppressed', @now, status, status, severity, severity, @id from m
            where status = 'fail' and resolved_at is null
            """, new { id, now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends suppressions whose expiry has passed: their findings are no longer suppressed, and each one
    /// that is open gets a <c>suppression_expired</c> event (dated at the expiry) and an outbox row.
    /// Runs at the start of every merge and query; returns the number of findings released.
    /// </summary>
    public async Task<int> ExpireSuppressionsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(long Suppression, int Released)>(new CommandDefinition("""
            with exp as (
                select id, expires_at from suppressions where removed_at is null and expires_at <= @now
            ), upd as (
                update findings f set suppression_id = null
                from exp
                where f.suppression_id = exp.id
                returning f.id, f.fingerprint, f.control_id, f.provider, f.status, f.severity, f.resolved_at, exp.id as sid, exp.expires_at
            ), ev as (
                insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity, suppression_id)
                select id, null, 'suppression_expired', expires_at, status, status, severity, severity, sid from upd
                where status = 'fail' and resolved_at is null
                returning id, finding_id
            ), ob as (
                insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
                select @now, 'suppression_expired', ev.id, null,
                       jsonb_build_object('fingerprint', u.fingerprint, 'control_id', u.control_id, 'provider', u.provider,
                                          'status', u.status, 'severity', u.severity, 'suppression_id', u.sid)
                from ev join upd u on u.id = ev.finding_id
                returning id
            )
            select sid, count(*)::int from upd group by sid
            """, new { now }, cancellationToken: cancellationToken))).ToList();
        foreach (var (suppression, released) in rows)
        {
            Log.SuppressionExpired(_logger, suppression, released);
        }

        return rows.Sum(r => r.Released);
    }
}

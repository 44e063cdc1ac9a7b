namespace PostureScanner.Postgres.Findings;

/// <summary>
/// The set-based statements of one scope merge, in the order <see cref="FindingStore"/> runs them in one
/// transaction. Parameters: <c>@scope</c>, <c>@scan</c>, <c>@now</c>, <c>@baseline</c> (first completed
/// scan of the scope: per-finding notifications are replaced by one digest) and <c>@prev</c> (the
/// scope's previous completed merge time: the effective last_seen of rows that are now missing).
/// Each statement writes its events and outbox rows in the same statement, so they commit together.
/// </summary>
internal static class MergeSql
{
    /// <summary>Per-scope lock (two-int advisory key: a namespace and the scope id) so that two merges of one scope serialize.</summary>
    public const string LockScope = "select pg_advisory_xact_lock(7061, @scope::int)";

    public const string ResourcesUpdate = """
        update resources r
        set scope_id = @scope, native_id = s.r_native_id, native_type = s.r_native_type, type = s.r_type,
            account = s.r_account, region = s.r_region, name = s.r_name, tags = s.r_tags, attributes = s.r_attributes,
            raw_hash = s.r_raw_hash, content_hash = s.r_content_hash, last_seen = @now, deleted_at = null
        from stage_evaluations s
        where s.r_native_id is not null and r.provider = s.provider and r.resource_key = s.resource_key
          and (r.content_hash <> s.r_content_hash or r.deleted_at is not null or r.scope_id <> @scope)
        """;

    public const string ResourcesInsert = """
        insert into resources (scope_id, provider, resource_key, native_id, native_type, type, account, region, name,
                               tags, attributes, raw_hash, content_hash, first_seen, last_seen)
        select @scope, s.provider, s.resource_key, s.r_native_id, s.r_native_type, s.r_type, s.r_account, s.r_region, s.r_name,
               s.r_tags, s.r_attributes, s.r_raw_hash, s.r_content_hash, @now, @now
        from stage_evaluations s
        where s.r_native_id is not null
          and not exists (select 1 from resources r where r.provider = s.provider and r.resource_key = s.resource_key)
        on conflict (provider, resource_key) do nothing
        """;

    /// <summary>Resources of the scope absent from this completed read are deleted (their findings are resolved next).</summary>
    public const string ResourcesDelete = """
        update resources r
        set deleted_at = @now, last_seen = greatest(r.last_seen, coalesce(@prev, r.last_seen))
        where r.scope_id = @scope and r.deleted_at is null
          and not exists (select 1 from stage_evaluations s where s.provider = r.provider and s.resource_key = r.resource_key)
        """;

    public const string FindingsInsert = """
        with ins as (
            insert into findings (fingerprint, scope_id, resource_id, control_id, provider, status, severity, nist, evidence,
                                  message, content_hash, first_seen, last_seen, last_scan_id, suppression_id)
            select s.fingerprint, @scope, r.id, s.control_id, s.provider, s.status, s.severity, s.nist, s.evidence,
                   s.message, s.content_hash, @now, @now, @scan,
                   (select sp.id from suppressions sp
                    where suppression_matches(sp, s.fingerprint, s.control_id, s.provider, r.native_id, r.tags, @now)
                    order by sp.id limit 1)
            from stage_evaluations s
            join resources r on r.provider = s.provider and r.resource_key = s.resource_key
            where not exists (select 1 from findings f where f.fingerprint = s.fingerprint)
            on conflict (fingerprint) do nothing
            returning id, fingerprint, control_id, provider, status, severity, suppression_id
        ), ev as (
            insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity)
            select id, @scan, 'opened', @now, null, status, null, severity from ins where status = 'fail'
            returning id, finding_id, kind, to_status, to_severity
        ), ob as (
            insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
            select @now, ev.kind, ev.id, @scan,
                   jsonb_build_object('fingerprint', i.fingerprint, 'control_id', i.control_id, 'provider', i.provider,
                                      'status', ev.to_status, 'severity', ev.to_severity)
            from ev join ins i on i.id = ev.finding_id
            where not @baseline and i.suppression_id is null
            returning id
        )
        select (select count(*) from ins)::int as rows, (select count(*) from ev)::int as events, (select count(*) from ob)::int as outbox, 0 as resolved
        """;

    /// <summary>
    /// Rewrites only findings whose content hash changed, that come back after being missing, or that
    /// moved scope; the event kind follows from the old and new status (DECISIONS 17).
    /// </summary>
    public const string FindingsUpdate = """
        with prev as (
            select f.id, f.status as old_status, f.severity as old_severity, f.resolved_at as old_resolved,
                   s.status, s.severity, s.nist, s.evidence, s.message, s.content_hash, r.id as resource_id
            from stage_evaluations s
            join findings f on f.fingerprint = s.fingerprint
            join resources r on r.provider = s.provider and r.resource_key = s.resource_key
            where f.content_hash <> s.content_hash or f.missing_since is not null or f.scope_id <> @scope
               or (f.resolved_at is not null and s.status = 'fail')
        ), upd as (
            update findings f
            set status = p.status, severity = p.severity, nist = p.nist, evidence = p.evidence, message = p.message,
                content_hash = p.content_hash, scope_id = @scope, resource_id = p.resource_id, last_seen = @now,
                last_scan_id = @scan, missing_since = null,
                resolved_at = case when p.status = 'fail' then null
                                   when p.old_resolved is null and p.old_status = 'fail' and p.status = 'pass' then @now
                                   else p.old_resolved end,
                resolution = case when p.status = 'fail' then null
                                  when p.old_resolved is null and p.old_status = 'fail' and p.status = 'pass' then 'passed'
                                  else f.resolution end,
                reopened_count = f.reopened_count + case when p.status = 'fail' and p.old_resolved is not null then 1 else 0 end
            from prev p
            where f.id = p.id
            returning f.id, f.fingerprint, f.control_id, f.provider, f.suppression_id, f.status, f.severity,
                      p.old_status, p.old_severity, p.old_resolved
        ), kinds as (
            select u.*,
                   case when u.status = 'fail' and u.old_resolved is not null then 'reopened'
                        when u.status = 'fail' and u.old_status <> 'fail' then 'opened'
                        when u.status = 'pass' and u.old_status = 'fail' and u.old_resolved is null then 'resolved'
                        when u.status <> u.old_status then 'status_changed'
                        when u.severity <> u.old_severity then 'severity_changed'
                   end as kind
            from upd u
        ), ev as (
            insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity)
            select id, @scan, kind, @now, old_status, status, old_severity, severity from kinds where kind is not null
            returning id, finding_id, kind, to_status, to_severity
        ), ob as (
            insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
            select @now, ev.kind, ev.id, @scan,
                   jsonb_build_object('fingerprint', k.fingerprint, 'control_id', k.control_id, 'provider', k.provider,
                                      'status', ev.to_status, 'severity', ev.to_severity)
            from ev join kinds k on k.id = ev.finding_id
            where ev.kind in ('opened', 'reopened', 'resolved') and k.suppression_id is null
              and not (@baseline and ev.kind = 'opened')
            returning id
        )
        select (select count(*) from upd)::int as rows, (select count(*) from ev)::int as events, (select count(*) from ob)::int as outbox,
               (select count(*) from ev where kind = 'resolved')::int as resolved
        """;

    /// <summary>
    /// Findings of this completed scope that the read did not produce: marked missing; the open ones are
    /// resolved (resource deleted, or the control no longer evaluates it).
    /// </summary>
    public const string FindingsMissing = """
        with gone as (
            select f.id, f.status, f.resolved_at as old_resolved, (r.deleted_at is not null) as resource_deleted
            from findings f
            join resources r on r.id = f.resource_id
            where f.scope_id = @scope and f.missing_since is null
              and not exists (select 1 from stage_evaluations s where s.fingerprint = f.fingerprint)
        ), upd as (
            update findings f
            set missing_since = @now, last_seen = greatest(f.last_seen, coalesce(@prev, f.last_seen)), last_scan_id = @scan,
                resolved_at = case when g.status = 'fail' and g.old_resolved is null then @now else f.resolved_at end,
                resolution = case when g.status = 'fail' and g.old_resolved is null
                                  then case when g.resource_deleted then 'resource_deleted' else 'not_evaluated' end
                                  else f.resolution end
            from gone g
            where f.id = g.id
            returning f.id, f.fingerprint, f.control_id, f.provider, f.suppression_id, f.status, f.severity, g.old_resolved
        ), ev as (
            insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity)
            select id, @scan, 'resolved', @now, status, status, severity, severity from upd
            where status = 'fail' and old_resolved is null
            returning id, finding_id, kind
        ), ob as (
            insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
            select @now, ev.kind, ev.id, @scan,
                   jsonb_build_object('fingerprint', u.fingerprint, 'control_id', u.control_id, 'provider', u.provider,
                                      'status', u.status, 'severity', u.severity, 'resolution', 'missing')
            from ev join upd u on u.id = ev.finding_id
            where u.suppression_id is null
            returning id
        )
        select (select count(*) from upd)::int as rows, (select count(*) from ev)::int as events, (select count(*) from ob)::int as outbox,
               (select count(*) from ev where kind = 'resolved')::int as resolved
        """;

    /// <summary>Existing findings of the scope that now match an active suppression (e.g. their tags changed).</summary>
    public const string ApplySuppressions = """
        with m as (
            update findings f
            set suppression_id = (select sp.id from suppressions sp
                                  where suppression_matches(sp, f.fingerprint, f.control_id, f.provider, r.native_id, r.tags, @now)
                                  order by sp.id limit 1)
            from resources r
            where r.id = f.resource_id and f.scope_id = @scope and f.suppression_id is null
              and exists (select 1 from suppressions sp
                          where suppression_matches(sp, f.fingerprint, f.control_id, f.provider, r.native_id, r.tags, @now))
            returning f.id, f.status, f.severity, f.resolved_at, f.suppression_id
        ), ev as (
            insert into finding_events (finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity, suppression_id)
            select id, @scan, 'suppressed', @now, status, status, severity, severity, suppression_id from m
            where status = 'fail' and resolved_at is null
            returning id
        )
        select (select count(*) from m)::int as rows, (select count(*) from ev)::int as events, 0 as outbox, 0 as resolved
        """;

    public const string AnyActiveSuppression =
        "select exists (select 1 from suppressions where removed_at is null and (expires_at is null or expires_at > @now))";

    /// <summary>The first completed scan of a scope announces one digest of what it found.</summary>
    public const string BaselineDigest = """
        insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
        select @now, 'baseline', null, @scan,
               jsonb_build_object('scope', sc.name, 'target', t.name,
                   'open', (select count(*) from findings f where f.scope_id = @scope and f.status = 'fail'
                            and f.resolved_at is null and f.suppression_id is null),
                   'by_severity', coalesce((select jsonb_object_agg(severity, n) from (
                        select severity, count(*) as n from findings f where f.scope_id = @scope and f.status = 'fail'
                        and f.resolved_at is null and f.suppression_id is null group by severity) x), '{}'::jsonb))
        from scopes sc join targets t on t.id = sc.target_id
        where sc.id = @scope
        """;

    public const string RecordScope = """
        insert into scan_scopes (scan_id, scope_id, status, reason, started_at, finished_at, evaluations, resources,
                                 inserted, changed, resolved, unchanged)
        values (@scan, @scope, @status, @reason, @started, @now, @evaluations, @resources, @inserted, @changed, @resolved, @unchanged)
        on conflict (scan_id, scope_id) do update
        set status = excluded.status, reason = excluded.reason, finished_at = excluded.finished_at,
            evaluations = excluded.evaluations, resources = excluded.resources, inserted = excluded.inserted,
            changed = excluded.changed, resolved = excluded.resolved, unchanged = excluded.unchanged
        """;
}

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// The set-based statements of one scope merge, in the order <see cref="FindingStore"/> runs them in one
/// transaction. Parameters: <c>@scope</c>, <c>@scan</c>, <c>@now</c>, <c>@baseline</c> (first completed
/// scan of the scope: per-finding notifications are replaced by one digest) and <c>@prev</c> (the
/// scope's previous completed merge time: the effective last_seen of rows that are now missing).
/// Each statement writes its events and outbox rows in the same statement, so they commit together. Event
/// ids are drawn from the sequence in the statement itself, so the outbox rows take the event id and the
/// payload from the same row instead of joining two data-modifying CTEs (which the planner cannot
/// estimate: a nested loop over them made a mass resolution quadratic).
/// </summary>
internal static class MergeSql
{
    /// <summary>Per-scope lock (two-int advisory key: a namespace and the scope id) so that two merges of one scope serialize.</summary>
    public const string LockScope = "select pg_advisory_xact_lock(7061, @scope::int)";

    /// <summary>
    /// The stage's resources with their stored row, if any. Each is looked up by its key one at a time
    /// (<c>limit 1</c> keeps the planner from turning the lookup into a hash join over every stored
    /// resource): a merge costs what its scope holds, not what the whole store holds. Like every stage
    /// table it is indexed on its key: right after a first scan the planner's statistics of the stored
    /// tables are stale (near empty), and an anti-join it then plans as a nested loop must not scan the
    /// stage once per row.
    /// </summary>
    public const string StageResources = """
        create temp table stage_resources on commit drop as
        select s.provider, s.resource_key, s.r_type as type, s.r_native_id as native_id, s.r_tags::jsonb as tags, s.r_content_hash as content_hash,
               s.r_digest as digest, r.id, r.content_hash as old_hash, r.evaluation_digest as old_digest, r.deleted_at as old_deleted,
               r.scope_id as old_scope
        from stage_evaluations s
        left join lateral (select r.id, r.content_hash, r.evaluation_digest, r.deleted_at, r.scope_id from resources r
                           where r.provider = s.provider and r.resource_key = s.resource_key limit 1) r on true
        where s.r_native_id is not null;
        create index on stage_resources (resource_key);
        analyze stage_resources
        """;

    public const string ResourcesUpdate = """
        update resources r
        set scope_id = @scope, native_id = s.r_native_id, native_type = s.r_native_type, type = s.r_type,
            account = s.r_account, region = s.r_region, name = s.r_name, tags = s.r_tags::jsonb, attributes = s.r_attributes::json,
            raw_hash = s.r_raw_hash, content_hash = s.r_content_hash, evaluation_digest = s.r_digest, record_hash = s.r_record_hash,
            record_resources = s.r_record_resources, evaluation_counts = s.r_counts, stable_until = s.r_stable_until, last_seen = @now,
            deleted_at = null
        from stage_resources sr
        join stage_evaluations s on s.provider = sr.provider and s.resource_key = sr.resource_key and s.r_native_id is not null
        where r.id = sr.id
          and (sr.old_hash <> sr.content_hash or sr.old_digest is distinct from sr.digest or sr.old_deleted is not null
               or sr.old_scope <> @scope)
        """;

    /// <summary>New resources; then every staged resource learns its id (a concurrent merge of another scope may have inserted it first).</summary>
    public const string ResourcesInsert = """
        insert into resources (scope_id, provider, resource_key, native_id, native_type, type, account, region, name,
                               tags, attributes, raw_hash, content_hash, evaluation_digest, record_hash, record_resources, evaluation_counts,
                               stable_until, first_seen, last_seen)
        select @scope, s.provider, s.resource_key, s.r_native_id, s.r_native_type, s.r_type, s.r_account, s.r_region, s.r_name,
               s.r_tags::jsonb, s.r_attributes::json, s.r_raw_hash, s.r_content_hash, s.r_digest, s.r_record_hash, s.r_record_resources,
               s.r_counts, s.r_stable_until, @now, @now
        from stage_resources sr
        join stage_evaluations s on s.provider = sr.provider and s.resource_key = sr.resource_key and s.r_native_id is not null
        where sr.id is null
        on conflict (provider, resource_key) do nothing;
        update stage_resources sr
        set id = (select r.id from resources r where r.provider = sr.provider and r.resource_key = sr.resource_key)
        where sr.id is null;
        analyze stage_resources
        """;

    /// <summary>
    /// Resources of the scope absent from this completed read are deleted (their findings are resolved
    /// next): those the scan knew of when it opened the scope and neither read, kept, nor found in another
    /// of its scopes (<c>stage_unseen</c>, <see cref="EvaluationStager.UnseenResourceIds"/>). The merge gets
    /// those few ids instead of the ids of every unchanged resource (~90k per scope on the 1M benchmark,
    /// copied and anti-joined); a resource another scan added meanwhile was not known, so it stays; one this
    /// scan found in another scope moved there, and that scope's merge moves it, whichever merges first.
    /// </summary>
    public const string ResourcesDelete = """
        create temp table stage_deleted (id bigint not null) on commit drop;
        with d as (
            update resources r
            set deleted_at = @now, last_seen = greatest(r.last_seen, coalesce(@prev, r.last_seen))
            from stage_unseen u
            where r.id = u.id and r.scope_id = @scope and r.deleted_at is null
              and not exists (select 1 from stage_resources sr where sr.provider = r.provider and sr.resource_key = r.resource_key)
            returning r.id
        )
        insert into stage_deleted select id from d;
        analyze stage_deleted
        """;

    /// <summary>
    /// The stage's fingerprint index, built only when a statement will look fingerprints up in the stage:
    /// findings gone are searched among stored resources (restaged, deleted, moved in or out). When every
    /// staged resource is new (a first scan) nothing is looked up, and the index over every evaluation of
    /// the scope cost 2-3 s per 500k rows. Built inside the merge transaction: a merge run again after a
    /// deadlock builds it again.
    /// </summary>
    public const string IndexStageFingerprints = """
        do $$
        begin
            if exists (select 1 from stage_resources where old_hash is not null)
               or exists (select 1 from stage_deleted) or exists (select 1 from stage_moved) then
                create index stage_evaluations_fingerprint_idx on stage_evaluations (fingerprint);
            end if;
        end $$
        """;

    /// <summary>
    /// The stored finding of each staged evaluation, with the state the merge compares, looked up one by
    /// one by fingerprint (unique, whichever scope holds it: a resource that moved brings its findings;
    /// through its 128-bit key, index <c>findings_fingerprint_key_idx</c>, migration 0009).
    /// Only evaluations of resources that were already stored are looked up: a finding is never stored
    /// without its resource row (same type and id, never deleted), so a new resource has no finding
    /// anywhere; a first scan, where every resource is new, makes no lookup at all, and a re-scan as many
    /// as it restaged evaluations (joining the scope's findings instead read all of them).
    /// </summary>
    public const string StageMatch = """
        create temp table stage_match on commit drop as
        select s.fingerprint, f.id, f.status as old_status, f.severity as old_severity, f.resolved_at as old_resolved,
               f.content_hash as old_hash, f.missing_since as old_missing, f.scope_id as old_scope
        from stage_evaluations s
        join stage_resources sr on sr.provider = s.provider and sr.resource_key = s.resource_key and sr.old_hash is not null
        cross join lateral (select f.id, f.status, f.severity, f.resolved_at, f.content_hash, f.missing_since, f.scope_id
                            from findings f
                            where substr(f.fingerprint, 1, 32)::uuid = substr(s.fingerprint, 1, 32)::uuid and f.fingerprint = s.fingerprint
                            limit 1) f;
        create index on stage_match (fingerprint);
        analyze stage_match
        """;

    /// <summary>
    /// New findings (evaluations <see cref="StageMatch"/> found no finding for), in two statements: the
    /// passing, unknown and erroring ones as a plain insert (<paramref name="failing"/> false; no event, so
    /// nothing returned: returning every inserted row into a CTE cost an eighth of a first scan's insert,
    /// where nineteen in twenty evaluations pass), then the failing ones with their "opened" events and
    /// outbox rows. Without active suppressions (<paramref name="suppressions"/> false) no row looks up
    /// <c>suppressions</c> (a sixth of an insert).
    /// No <c>on conflict</c> clause: PostgreSQL checks a speculative insertion against the fingerprint index
    /// before inserting, a quarter of the cost of inserting a first scan's findings (measured on 585k
    /// rows). A conflict means another merge inserted the same finding after this one looked (two scans
    /// over one inventory, or a resource staged as new that a concurrent merge inserted first): the unique
    /// violation rolls this merge back and it runs again from its staged rows, now finding the resource
    /// stored and matching its findings (before, the conflicting rows were dropped and the findings stayed
    /// with the other scope).
    /// </summary>
    public static string FindingsInsert(bool suppressions, bool failing) => FindingsInserts[(suppressions ? 2 : 0) + (failing ? 1 : 0)];

    private static readonly string[] FindingsInserts =
    [
        InsertOf(suppressions: false, failing: false), InsertOf(suppressions: false, failing: true),
        InsertOf(suppressions: true, failing: false), InsertOf(suppressions: true, failing: true),
    ];

    private static string InsertOf(bool suppressions, bool failing)
    {
        var suppression = suppressions
            ? """
              (select sp.id from suppressions sp
                               where suppression_matches(sp, s.fingerprint, s.control_id, s.provider, r.native_id, r.tags, @now)
                               order by sp.id limit 1)
              """
            : "null::bigint";
        var insert = $"""
            insert into findings (fingerprint, scope_id, resource_id, control_id, provider, status, severity, nist, evidence,
                                  message, content_hash, first_seen, last_seen, last_scan_id, suppression_id)
            select s.fingerprint, @scope, r.id, s.control_id, s.provider, s.status, s.severity, s.nist, s.evidence::json,
                   s.message, s.content_hash, @now, @now, @scan,
                   {suppression}
            from stage_evaluations s
            join stage_resources r on r.provider = s.provider and r.resource_key = s.resource_key
            where s.status {(failing ? "=" : "<>")} 'fail' and not exists (select 1 from stage_match m where m.fingerprint = s.fingerprint)
            """;
        if (!failing)
        {
            return insert;
        }

        return $"""
            with ins as (
            {insert}
                returning id, fingerprint, control_id, provider, status, severity, suppression_id
            ), evs as (
                select i.*, nextval(pg_get_serial_sequence('finding_events', 'id')) as event_id from ins i
            ), ev as (
                insert into finding_events (id, finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity)
                overriding system value
                select event_id, id, @scan, 'opened', @now, null, status, null, severity from evs
                returning kind
            ), ob as (
                insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
                select @now, 'opened', e.event_id, @scan,
                       jsonb_build_object('fingerprint', e.fingerprint, 'control_id', e.control_id, 'provider', e.provider,
                                          'status', e.status, 'severity', e.severity)
                from evs e
                where not @baseline and e.suppression_id is null
                returning id
            )
            select (select count(*) from ins)::int as rows, (select count(*) from ev)::int as events, (select count(*) from ob)::int as outbox, 0 as resolved
            """;
    }

    /// <summary>
    /// The matched findings whose content changed, that come back after being missing, or that moved
    /// scope, in a table of their own: analyzed, its true (small) size lets the update that follows find
    /// its rows by primary key instead of scanning every stored finding.
    /// </summary>
    public const string StageChanged = """
        create temp table stage_changed on commit drop as
        select m.id, m.old_status, m.old_severity, m.old_resolved,
               s.status, s.severity, s.nist, s.evidence::json as evidence, s.message, s.content_hash, r.id as resource_id
        from stage_evaluations s
        join stage_match m on m.fingerprint = s.fingerprint
        join stage_resources r on r.provider = s.provider and r.resource_key = s.resource_key
        where m.old_hash <> s.content_hash or m.old_missing is not null or m.old_scope <> @scope
           or (m.old_resolved is not null and s.status = 'fail');
        analyze stage_changed
        """;

    /// <summary>
    /// Findings that the read did not produce (as <see cref="StageChanged"/>, a table of their own), among
    /// the resources this merge touched, by scope and resource (index <c>findings_scope_resource_idx</c>):
    /// a resource the read found unchanged produced all its findings again, identical (its digest covers
    /// every evaluation, and a kept record stands for the same), so only restaged, deleted and moved
    /// resources can have findings gone. Those of a resource that moved to another scope of this scan are
    /// that scope's to settle, except a control no scope of the scan evaluates any more, which only this
    /// scope can. Then those of resources that moved in, still in their old scope: found by fingerprint
    /// from the controls of the scan for the resource's type (the fingerprint is
    /// <c>sha256(control|provider|identity)</c>, DECISIONS 7), a few index lookups per moved resource
    /// instead of reading the old scopes; settling them here resolves them in the scan that saw the move,
    /// not one scan later. Both look findings up from the staged side (<c>lateral</c>, not flattened):
    /// right after a first scan's merges the statistics of <c>findings</c> say it is empty, and a plan that
    /// read it as the outer side hashed every finding against every staged resource (a 1M first scan
    /// stalled for minutes in this statement).
    /// </summary>
    public const string StageGone = """
        create temp table stage_gone on commit drop as
        select f.id, f.status, f.resolved_at as old_resolved, t.deleted as resource_deleted
        from (select sr.id, false as deleted, false as moved from stage_resources sr where sr.old_hash is not null and sr.old_scope = @scope
              union all select d.id, true, false from stage_deleted d
              union all select m.id, false, true from stage_moved m) t
        cross join lateral (select f.id, f.status, f.resolved_at, f.fingerprint, f.control_id from findings f
                            where f.scope_id = @scope and f.resource_id = t.id and f.missing_since is null offset 0) f
        where not exists (select 1 from stage_evaluations s where s.fingerprint = f.fingerprint)
          and not (t.moved and f.control_id = any(@controlIds))
        union all
        select f.id, f.status, f.resolved_at, false
        from stage_resources sr
        join unnest(@controlIds::text[], @controlTypes::text[]) c(control_id, type) on c.type = sr.type
        cross join lateral (select encode(sha256(convert_to(
                                c.control_id || '|' || sr.provider || '|' || substr(sr.resource_key, length(sr.type) + 2), 'UTF8')), 'hex') as fingerprint) k
        cross join lateral (select f.id, f.status, f.resolved_at, f.fingerprint from findings f
                            where substr(f.fingerprint, 1, 32)::uuid = substr(k.fingerprint, 1, 32)::uuid and f.fingerprint = k.fingerprint
                              and f.scope_id <> @scope and f.missing_since is null limit 1) f
        where sr.old_scope <> @scope
          and not exists (select 1 from stage_evaluations s where s.fingerprint = f.fingerprint);
        analyze stage_gone
        """;

    /// <summary>
    /// Rewrites only findings whose content hash changed, that come back after being missing, or that
    /// moved scope; the event kind follows from the old and new status (DECISIONS 17).
    /// </summary>
    public const string FindingsUpdate = """
        with upd as (
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
            from stage_changed p
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
        ), evs as (
            select k.*, nextval(pg_get_serial_sequence('finding_events', 'id')) as event_id from kinds k where k.kind is not null
        ), ev as (
            insert into finding_events (id, finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity)
            overriding system value
            select event_id, id, @scan, kind, @now, old_status, status, old_severity, severity from evs
            returning kind
        ), ob as (
            insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
            select @now, e.kind, e.event_id, @scan,
                   jsonb_build_object('fingerprint', e.fingerprint, 'control_id', e.control_id, 'provider', e.provider,
                                      'status', e.status, 'severity', e.severity)
            from evs e
            where e.kind in ('opened', 'reopened', 'resolved') and e.suppression_id is null
              and not (@baseline and e.kind = 'opened')
            returning id
        )
        select (select count(*) from upd)::int as rows, (select count(*) from ev)::int as events, (select count(*) from ob)::int as outbox,
               (select count(*) from ev where kind = 'resolved')::int as resolved
        """;

    /// <summary>
    /// Findings of this completed scope that the read did not produce: marked missing (and in this scope,
    /// with a resource that moved in); the open ones are resolved (resource deleted, or the control no
    /// longer evaluates it).
    /// </summary>
    public const string FindingsMissing = """
        with upd as (
            update findings f
            set missing_since = @now, last_seen = greatest(f.last_seen, coalesce(@prev, f.last_seen)), last_scan_id = @scan, scope_id = @scope,
                resolved_at = case when g.status = 'fail' and g.old_resolved is null then @now else f.resolved_at end,
                resolution = case when g.status = 'fail' and g.old_resolved is null
                                  then case when g.resource_deleted then 'resource_deleted' else 'not_evaluated' end
                                  else f.resolution end
            from stage_gone g
            where f.id = g.id
            returning f.id, f.fingerprint, f.control_id, f.provider, f.suppression_id, f.status, f.severity, g.old_resolved
        ), evs as (
            select u.*, nextval(pg_get_serial_sequence('finding_events', 'id')) as event_id from upd u
            where u.status = 'fail' and u.old_resolved is null
        ), ev as (
            insert into finding_events (id, finding_id, scan_id, kind, at, from_status, to_status, from_severity, to_severity)
            overriding system value
            select event_id, id, @scan, 'resolved', @now, status, status, severity, severity from evs
            returning kind
        ), ob as (
            insert into notification_outbox (created_at, kind, event_id, scan_id, payload)
            select @now, 'resolved', e.event_id, @scan,
                   jsonb_build_object('fingerprint', e.fingerprint, 'control_id', e.control_id, 'provider', e.provider,
                                      'status', e.status, 'severity', e.severity, 'resolution', 'missing')
            from evs e
            where e.suppression_id is null
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

-- PostureScanner store, version 1. Applied by MigrationRunner in one transaction.
-- Vocabulary is lowercase everywhere (DECISIONS 8); NIST ids are stored in catalog form (ac-2.1).
-- Timestamps come from the application's TimeProvider, never now(), so tests can move time.

-- What a scan covers (an AWS account/org, an Azure subscription/management group, a GCP project/folder/org).
create table targets (
    id          bigint generated always as identity primary key,
    name        text not null unique,
    created_at  timestamptz not null
);

-- A unit a collector finishes or fails as a whole (e.g. account+region). Findings and resources
-- belong to the scope they were last seen in; only a completed scope resolves anything.
create table scopes (
    id                 bigint generated always as identity primary key,
    target_id          bigint not null references targets(id),
    name               text not null,
    -- Time of the last completed merge: the effective last_seen of everything still present in it.
    last_completed_at  timestamptz,
    last_scan_id       bigint,
    unique (target_id, name)
);

create table scans (
    id                bigint generated always as identity primary key,
    target_id         bigint not null references targets(id),
    started_at        timestamptz not null,
    finished_at       timestamptz,
    status            text not null default 'running' check (status in ('running', 'completed', 'partial', 'failed')),
    control_set_hash  text not null
);
create index scans_target_idx on scans (target_id, id);

-- Per-scope outcome of a scan: completed with counts, or failed with the reason (and nothing resolved).
create table scan_scopes (
    scan_id      bigint not null references scans(id),
    scope_id     bigint not null references scopes(id),
    status       text not null check (status in ('completed', 'failed')),
    reason       text,
    started_at   timestamptz not null,
    finished_at  timestamptz not null,
    evaluations  integer not null default 0,
    resources    integer not null default 0,
    inserted     integer not null default 0,
    changed      integer not null default 0,
    resolved     integer not null default 0,
    unchanged    integer not null default 0,
    primary key (scan_id, scope_id)
);

-- Current normalized state of each resource. resource_key is the native id, lowercased for Azure
-- (ARM ids are case-insensitive, DECISIONS 7).
create table resources (
    id            bigint generated always as identity primary key,
    scope_id      bigint not null references scopes(id),
    provider      text not null check (provider in ('aws', 'azure', 'gcp')),
    resource_key  text not null,
    native_id     text not null,
    native_type   text not null,
    type          text not null,
    account       text not null,
    region        text not null,
    name          text not null,
    tags          jsonb not null,
    attributes    jsonb not null,
    raw_hash      bytea not null,
    content_hash  bytea not null,
    first_seen    timestamptz not null,
    -- Stored when the row is written; the effective value is scopes.last_completed_at while present (see resources_current).
    last_seen     timestamptz not null,
    deleted_at    timestamptz,
    unique (provider, resource_key)
);
create index resources_scope_idx on resources (scope_id) where deleted_at is null;

-- Risk acceptances. Every non-null selector must match (fingerprint, control, resource glob, tag).
create table suppressions (
    id                bigint generated always as identity primary key,
    fingerprint       text,
    control_id        text,
    resource_pattern  text,
    -- The glob as a LIKE pattern: escape \ % _ then turn * into %.
    resource_like     text generated always as
                      (replace(replace(replace(replace(resource_pattern, '\', '\\'), '%', '\%'), '_', '\_'), '*', '%')) stored,
    tag_key           text,
    tag_value         text,
    reason            text not null,
    owner             text not null,
    created_at        timestamptz not null,
    expires_at        timestamptz,
    removed_at        timestamptz,
    check (fingerprint is not null or control_id is not null or resource_pattern is not null or tag_key is not null),
    check (tag_value is null or tag_key is not null)
);

-- One row per control x resource: the current state of an evaluation and its lifecycle.
create table findings (
    id               bigint generated always as identity primary key,
    fingerprint      text not null unique,
    scope_id         bigint not null references scopes(id),
    resource_id      bigint not null references resources(id),
    control_id       text not null,
    provider         text not null,
    status           text not null check (status in ('pass', 'fail', 'unknown', 'error')),
    severity         text not null check (severity in ('critical', 'high', 'medium', 'low', 'info')),
    nist             text[] not null,
    evidence         jsonb not null,
    message          text,
    -- Hash of everything above that an evaluation decides: equal hash means the row is not rewritten.
    content_hash     bytea not null,
    first_seen       timestamptz not null,
    last_seen        timestamptz not null,
    -- Set while the finding is resolved: it failed and then passed, or disappeared from a completed scope.
    resolved_at      timestamptz,
    resolution       text check (resolution in ('passed', 'resource_deleted', 'not_evaluated')),
    -- Set while the finding is absent from the last completed merge of its scope.
    missing_since    timestamptz,
    reopened_count   integer not null default 0,
    suppression_id   bigint references suppressions(id),
    last_scan_id     bigint not null references scans(id)
);
create index findings_scope_idx on findings (scope_id);
create index findings_control_idx on findings (control_id);
create index findings_open_idx on findings (severity) where status = 'fail' and resolved_at is null;
create index findings_suppression_idx on findings (suppression_id) where suppression_id is not null;
create index findings_nist_idx on findings using gin (nist);

-- Every transition of a finding, with the scan that caused it (null for suppression changes made by hand):
-- the history an auditor reads. A first observation that passes writes no event (DECISIONS 17).
create table finding_events (
    id              bigint generated always as identity primary key,
    finding_id      bigint not null references findings(id),
    scan_id         bigint references scans(id),
    kind            text not null check (kind in ('opened', 'resolved', 'reopened', 'status_changed', 'severity_changed',
                                                  'suppressed', 'unsuppressed', 'suppression_expired')),
    at              timestamptz not null,
    from_status     text,
    to_status       text not null,
    from_severity   text,
    to_severity     text not null,
    suppression_id  bigint references suppressions(id)
);
create index finding_events_finding_idx on finding_events (finding_id, id);
create index finding_events_scan_idx on finding_events (scan_id);
create index finding_events_at_idx on finding_events (at);

-- Transactional outbox: written in the same transaction as the events it announces; the
-- notifications issue dispatches it. A scope's first scan writes one 'baseline' digest instead of
-- one row per opened finding (DECISIONS 17).
create table notification_outbox (
    id             bigint generated always as identity primary key,
    created_at     timestamptz not null,
    kind           text not null,
    event_id       bigint references finding_events(id),
    scan_id        bigint references scans(id),
    payload        jsonb not null,
    dispatched_at  timestamptz,
    attempts       integer not null default 0,
    last_error     text
);
create index notification_outbox_pending_idx on notification_outbox (id) where dispatched_at is null;

-- Findings as people see them: effective last_seen and the state (suppressed applies to failing findings;
-- a suppressed finding that passes shows as pass).
create view findings_current as
select f.*,
       case when f.missing_since is null and sc.last_completed_at is not null
            then greatest(f.last_seen, sc.last_completed_at) else f.last_seen end as effective_last_seen,
       case when f.resolved_at is not null then 'resolved'
            when f.status = 'fail' and f.suppression_id is not null then 'suppressed'
            when f.status = 'fail' then 'open'
            else f.status end as state,
       r.native_id, r.native_type, r.type as resource_type, r.account, r.region, r.name as resource_name, r.tags,
       t.name as target, sc.name as scope
from findings f
join scopes sc on sc.id = f.scope_id
join targets t on t.id = sc.target_id
join resources r on r.id = f.resource_id;

-- Does suppression sp cover a finding? Every non-null selector must match. resource_pattern is a
-- glob over the native id (* matches anything), case-insensitive for Azure (ARM ids are).
create function suppression_matches(sp suppressions, p_fingerprint text, p_control_id text, p_provider text,
                                    p_native_id text, p_tags jsonb, p_at timestamptz)
returns boolean language sql stable as $$
    select sp.removed_at is null
       and (sp.expires_at is null or sp.expires_at > p_at)
       and (sp.fingerprint is null or sp.fingerprint = p_fingerprint)
       and (sp.control_id is null or sp.control_id = p_control_id)
       and (sp.resource_pattern is null
            or (case when p_provider = 'azure' then lower(p_native_id) else p_native_id end)
               like (case when p_provider = 'azure' then lower(sp.resource_like) else sp.resource_like end) escape '\')
       and (sp.tag_key is null
            or (sp.tag_value is null and p_tags ? sp.tag_key)
            or p_tags ->> sp.tag_key = sp.tag_value)
$$;

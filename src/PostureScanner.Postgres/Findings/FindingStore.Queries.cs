using System.Text;
using Dapper;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <content>Read side: scans, findings, history, diffs and evidence queries.</content>
public sealed partial class FindingStore
{
    private const string SeverityRank =
        "case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end";

    /// <summary>Scans, newest first, with their scopes.</summary>
    public async Task<IReadOnlyList<ScanRecord>> ListScansAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var scans = (await connection.QueryAsync(new CommandDefinition("""
            select s.id, t.name as target, s.started_at, s.finished_at, s.status, s.control_set_hash
            from scans s join targets t on t.id = s.target_id
            order by s.id desc limit @limit
            """, new { limit }, cancellationToken: cancellationToken))).Cast<IDictionary<string, object?>>().ToList();
        var ids = scans.Select(s => (long)s["id"]!).ToArray();
        var scopes = (await connection.QueryAsync(new CommandDefinition("""
            select ss.*, sc.name as scope from scan_scopes ss join scopes sc on sc.id = ss.scope_id
            where ss.scan_id = any(@ids) order by sc.name
            """, new { ids }, cancellationToken: cancellationToken))).Cast<IDictionary<string, object?>>()
            .ToLookup(r => (long)r["scan_id"]!);
        return scans.Select(s => new ScanRecord
        {
            Id = (long)s["id"]!,
            Target = (string)s["target"]!,
            StartedAt = Rows.Time(s["started_at"]),
            FinishedAt = Rows.OptionalTime(s["finished_at"]),
            Status = StoreNames.ParseScanStatus((string)s["status"]!),
            ControlSetHash = (string)s["control_set_hash"]!,
            Scopes = scopes[(long)s["id"]!].Select(r => new ScanScopeRecord
            {
                Scope = (string)r["scope"]!,
                Status = StoreNames.ParseScopeStatus((string)r["status"]!),
                Reason = (string?)r["reason"],
                StartedAt = Rows.Time(r["started_at"]),
                FinishedAt = Rows.Time(r["finished_at"]),
                Evaluations = (int)r["evaluations"]!,
                Resources = (int)r["resources"]!,
                Inserted = (int)r["inserted"]!,
                Changed = (int)r["changed"]!,
                Resolved = (int)r["resolved"]!,
                Unchanged = (int)r["unchanged"]!,
            }).ToList(),
        }).ToList();
    }

    /// <summary>Findings matching the filter, most severe first, then control, provider and resource.</summary>
    public async Task<IReadOnlyList<FindingRecord>> ListFindingsAsync(FindingFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await ExpireSuppressionsAsync(cancellationToken);
        var sql = new StringBuilder("select * from findings_current where true");
        if (filter.State is not null)
        {
            sql.Append(" and state = @state");
        }

        if (filter.Severity is not null)
        {
            sql.Append(" and severity = @severity");
        }

        if (filter.ControlId is not null)
        {
            sql.Append(" and control_id = @control");
        }

        if (filter.Provider is not null)
        {
            sql.Append(" and provider = @provider");
        }

        if (filter.Nist is not null)
        {
            sql.Append(" and nist @> array[@nist]::text[]");
        }

        if (filter.Since is not null)
        {
            sql.Append(" and (first_seen >= @since or exists (select 1 from finding_events e where e.finding_id = findings_current.id and e.at >= @since))");
        }

        if (filter.Target is not null)
        {
            sql.Append(" and target = @target");
        }

        sql.Append(" order by ").Append(SeverityRank).Append(", control_id, provider, native_id");
        if (filter.Limit is not null)
        {
            sql.Append(" limit @limit");
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition(sql.ToString(), new
        {
            state = filter.State?.ToName(),
            severity = filter.Severity?.ToName(),
            control = filter.ControlId,
            provider = filter.Provider?.ToName(),
            nist = filter.Nist is null ? null : NistCatalog.ToCatalogId(filter.Nist),
            since = filter.Since?.ToUniversalTime(),
            target = filter.Target,
            limit = filter.Limit,
        }, cancellationToken: cancellationToken));
        return rows.Cast<IDictionary<string, object?>>().Select(ToFinding).ToList();
    }

    /// <summary>One finding by fingerprint with its whole history, oldest event first; null when unknown.</summary>
    public async Task<FindingDetail?> GetFindingAsync(string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (!Fingerprints.IsWellFormed(fingerprint))
        {
            return null; // no finding has it, and the key lookup below would not parse it
        }

        await ExpireSuppressionsAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var row = (IDictionary<string, object?>?)await connection.QuerySingleOrDefaultAsync(new CommandDefinition("""
            select * from findings_current
            where substr(fingerprint, 1, 32)::uuid = substr(@fingerprint, 1, 32)::uuid and fingerprint = @fingerprint
            """, new { fingerprint = fingerprint.ToLowerInvariant() }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var events = await connection.QueryAsync(new CommandDefinition(
            "select * from finding_events where finding_id = @id order by id", new { id = (long)row["id"]! }, cancellationToken: cancellationToken));
        return new FindingDetail
        {
            Finding = ToFinding(row),
            History = events.Cast<IDictionary<string, object?>>().Select(e => new FindingEventRecord
            {
                Id = (long)e["id"]!,
                Kind = StoreNames.ParseKind((string)e["kind"]!),
                At = Rows.Time(e["at"]),
                ScanId = (long?)e["scan_id"],
                FromStatus = e["from_status"] is string fs ? StoreNames.ParseStatus(fs) : null,
                ToStatus = StoreNames.ParseStatus((string)e["to_status"]!),
                FromSeverity = e["from_severity"] is string fv ? StoreNames.ParseSeverity(fv) : null,
                ToSeverity = StoreNames.ParseSeverity((string)e["to_severity"]!),
                SuppressionId = (long?)e["suppression_id"],
            }).ToList(),
        };
    }

    /// <summary>
    /// What changed after scan <paramref name="fromScan"/> up to and including <paramref name="toScan"/>
    /// (default: the newest scan, compared with the previous scan of the same target).
    /// </summary>
    public async Task<ScanDiff> DiffAsync(long? fromScan, long? toScan, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var to = toScan ?? await connection.ExecuteScalarAsync<long?>(new CommandDefinition("select max(id) from scans", cancellationToken: cancellationToken))
            ?? throw new InvalidOperationException("no scan is stored yet");
        var targetId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("select target_id from scans where id = @to", new { to }, cancellationToken: cancellationToken))
            ?? throw new ArgumentException($"scan {to} does not exist", nameof(toScan));
        var from = fromScan ?? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select max(id) from scans where target_id = @targetId and id < @to", new { targetId, to }, cancellationToken: cancellationToken));
        var rows = (await connection.QueryAsync(new CommandDefinition("""
            with ev as (
                select e.*, row_number() over (partition by e.finding_id order by e.id desc) as rn,
                       first_value(e.from_severity) over (partition by e.finding_id order by e.id) as first_severity
                from finding_events e join scans s on s.id = e.scan_id
                where s.target_id = @targetId and e.scan_id > coalesce(@from, 0) and e.scan_id <= @to
                  and e.kind in ('opened', 'resolved', 'reopened', 'status_changed', 'severity_changed')
            )
            select ev.kind, ev.first_severity, f.fingerprint, f.control_id, f.provider, f.native_id, f.status, f.severity
            from ev join findings_current f on f.id = ev.finding_id
            where ev.rn = 1
            order by f.control_id, f.provider, f.native_id
            """, new { targetId, from, to }, cancellationToken: cancellationToken))).Cast<IDictionary<string, object?>>().ToList();

        DiffEntry Entry(IDictionary<string, object?> r) => new()
        {
            Fingerprint = (string)r["fingerprint"]!,
            ControlId = (string)r["control_id"]!,
            Provider = StoreNames.ParseProvider((string)r["provider"]!),
            ResourceId = (string)r["native_id"]!,
            Status = StoreNames.ParseStatus((string)r["status"]!),
            Severity = StoreNames.ParseSeverity((string)r["severity"]!),
            PreviousSeverity = r["first_severity"] is string s && s != (string)r["severity"]! ? StoreNames.ParseSeverity(s) : null,
        };

        List<DiffEntry> Of(string kind) => rows.Where(r => (string)r["kind"]! == kind).Select(Entry).ToList();
        return new ScanDiff
        {
            FromScanId = from,
            ToScanId = to,
            New = Of("opened"),
            Resolved = Of("resolved"),
            Reopened = Of("reopened"),
            SeverityChanged = rows.Select(Entry).Where(e => e.PreviousSeverity is not null).ToList(),
        };
    }

    /// <summary>
    /// The state of every finding that existed at <paramref name="at"/>, rebuilt from the events: the
    /// status of the last event at or before it (or the first later event's previous status, or the
    /// current one when nothing changed since).
    /// </summary>
    public async Task<IReadOnlyList<FindingAsOf>> FindingsAsOfAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            select f.fingerprint, f.control_id, f.provider, f.native_id,
                   coalesce(before.to_status, after.from_status, f.status) as status,
                   coalesce(before.to_severity, after.from_severity, f.severity) as severity,
                   lifecycle.kind as lifecycle, sup.kind as suppression
            from findings_current f
            left join lateral (select e.to_status, e.to_severity from finding_events e
                               where e.finding_id = f.id and e.at <= @at order by e.at desc, e.id desc limit 1) before on true
            left join lateral (select e.from_status, e.from_severity from finding_events e
                               where e.finding_id = f.id and e.at > @at order by e.at, e.id limit 1) after on true
            left join lateral (select e.kind from finding_events e
                               where e.finding_id = f.id and e.at <= @at and e.kind in ('opened', 'resolved', 'reopened')
                               order by e.at desc, e.id desc limit 1) lifecycle on true
            left join lateral (select e.kind from finding_events e
                               where e.finding_id = f.id and e.at <= @at
                                 and e.kind in ('suppressed', 'unsuppressed', 'suppression_expired')
                               order by e.at desc, e.id desc limit 1) sup on true
            where f.first_seen <= @at
            order by f.control_id, f.provider, f.native_id
            """, new { at = at.ToUniversalTime() }, cancellationToken: cancellationToken));
        return rows.Cast<IDictionary<string, object?>>().Select(r =>
        {
            var status = StoreNames.ParseStatus((string)r["status"]!);
            var state = (string?)r["lifecycle"] == "resolved" ? FindingState.Resolved
                : (string?)r["suppression"] == "suppressed" ? FindingState.Suppressed
                : status switch
                {
                    Core.Evaluation.EvaluationStatus.Fail => FindingState.Open,
                    Core.Evaluation.EvaluationStatus.Pass => FindingState.Pass,
                    Core.Evaluation.EvaluationStatus.Unknown => FindingState.Unknown,
                    _ => FindingState.Error,
                };
            return new FindingAsOf
            {
                Fingerprint = (string)r["fingerprint"]!,
                ControlId = (string)r["control_id"]!,
                Provider = StoreNames.ParseProvider((string)r["provider"]!),
                ResourceId = (string)r["native_id"]!,
                Status = status,
                Severity = StoreNames.ParseSeverity((string)r["severity"]!),
                State = state,
            };
        }).ToList();
    }

    /// <summary>Pass/fail/unknown/error counts of present findings per NIST control (catalog form) per provider.</summary>
    public async Task<IReadOnlyList<NistRollupRow>> NistRollupAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync(new CommandDefinition("""
            select n.id as nist_id, f.provider,
                   count(*) filter (where f.status = 'pass')::int as pass,
                   count(*) filter (where f.status = 'fail')::int as fail,
                   count(*) filter (where f.status = 'unknown')::int as unknown,
                   count(*) filter (where f.status = 'error')::int as error
            from findings f cross join lateral unnest(f.nist) as n(id)
            where f.missing_since is null
            group by n.id, f.provider
            order by n.id, f.provider
            """, cancellationToken: cancellationToken));
        return rows.Cast<IDictionary<string, object?>>().Select(r => new NistRollupRow
        {
            NistId = (string)r["nist_id"]!,
            Provider = StoreNames.ParseProvider((string)r["provider"]!),
            Pass = (int)r["pass"]!,
            Fail = (int)r["fail"]!,
            Unknown = (int)r["unknown"]!,
            Error = (int)r["error"]!,
        }).ToList();
    }

    private static FindingRecord ToFinding(IDictionary<string, object?> r) => new()
    {
        Fingerprint = (string)r["fingerprint"]!,
        ControlId = (string)r["control_id"]!,
        Provider = StoreNames.ParseProvider((string)r["provider"]!),
        ResourceId = (string)r["native_id"]!,
        ResourceType = (string)r["resource_type"]!,
        NativeType = (string)r["native_type"]!,
        ResourceName = (string)r["resource_name"]!,
        Account = (string)r["account"]!,
        Region = (string)r["region"]!,
        Target = (string)r["target"]!,
        Scope = (string)r["scope"]!,
        Status = StoreNames.ParseStatus((string)r["status"]!),
        Severity = StoreNames.ParseSeverity((string)r["severity"]!),
        State = StoreNames.ParseState((string)r["state"]!),
        Nist = (string[])r["nist"]!,
        Evidence = JObject.Parse((string)r["evidence"]!),
        Message = (string?)r["message"],
        FirstSeen = Rows.Time(r["first_seen"]),
        LastSeen = Rows.Time(r["effective_last_seen"]),
        ResolvedAt = Rows.OptionalTime(r["resolved_at"]),
        Resolution = (string?)r["resolution"],
        MissingSince = Rows.OptionalTime(r["missing_since"]),
        ReopenedCount = (int)r["reopened_count"]!,
        SuppressionId = (long?)r["suppression_id"],
        LastScanId = (long)r["last_scan_id"]!,
    };
}

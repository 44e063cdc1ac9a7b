using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Policy;
using PostureScanner.Core.Scanning;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// <see cref="SnapshotScan"/> with the store attached: the same streaming scan, whose evaluations also flow,
/// scope by scope, into <see cref="Postgres.Findings.FindingStore"/> (see <see cref="ScopeMergeRouter"/>).
/// <para>
/// Failed inputs: a file that could not be read whole (or a path that does not exist) may have held
/// records of any scope, including scopes other files of this scan cover. Merging those scopes would
/// resolve the unread findings as "deleted", so when any input fails, no scope of the scan is merged:
/// each is recorded as failed with the names of the bad inputs, and the findings keep their state.
/// The report still shows what the good inputs hold.
/// </para>
/// </summary>
internal static class StoredScan
{
    /// <summary>
    /// Runs the scan into the store. With <c>keepRecords</c> (the caller writes no per-result report, only
    /// the summary), records the target's previous merges stored, byte for byte, under the same control-set
    /// hash are kept unparsed and counted from the store (see <see cref="RecordKeeper"/>); the results
    /// collection then stays empty, and, unless <paramref name="hooks"/> observe the records, the files are
    /// read on <paramref name="workers"/> workers side by side (<see cref="ParallelRead"/>).
    /// </summary>
    public static async Task<(ScanOutcome Outcome, StoreOutcome Store)> RunAsync(ScanContent content, ScanPolicy policy, IReadOnlyList<string> paths,
        IReadOnlyList<string> unreadablePaths, bool includePasses, bool keepRecords, ScanProgress? progress, TimeProvider time, StoreSession session,
        string target, ScanHooks? hooks, int workers, CancellationToken cancellationToken, int maxRowsAhead = ParallelRead.DefaultMaxRowsAhead)
    {
        var controls = policy.Compile(content.Controls, content.Catalog);
        var startedAt = time.GetUtcNow();
        var evaluator = new Evaluator(controls, startedAt);
        var scan = await session.Store.BeginScanAsync(target, ControlSetHash(controls, policy, content.Fingerprint), cancellationToken);

        // Each scope's merge expires suppressions first; doing it once here keeps the concurrent merges from racing on the same rows.
        await session.Store.ExpireSuppressionsAsync(cancellationToken);
        var results = new ResultSpool(controls);
        RecordKeeper? keeper = null;
        await using var router = new ScopeMergeRouter(session.Store, scan, session.MaxScopeStreams, StoreSession.MaxParallelMerges, cancellationToken)
        {
            Kept = scope => keeper!.KeptIn(scope),
        };
        var pipeline = new ScanPipeline(new Core.Mapping.Normalizer(content.Mappings), evaluator, policy)
        {
            ResourceEvaluated = router.NoteResource,
            RecordEvaluated = router.FinishRecord,
        };

        // Records are always hashed (their resources store the hash); kept only without a report to write,
        // and only while the clock cannot have changed their evaluations (an instance ages past its limit).
        // The scopes' digests load meanwhile, on the other core.
        router.Prefetch(await session.Store.ScopeNamesAsync(scan, cancellationToken));
        var stored = keepRecords ? await session.Store.LoadStoredRecordsAsync(scan, startedAt, cancellationToken) : StoredRecords.None;

        keeper = new RecordKeeper(stored, pipeline.Counters);
        var reader = new SnapshotReader(SnapshotScan.Formats) { Records = keeper };
        IReadOnlyList<SnapshotInput> inputs;
        if (keepRecords && hooks is null)
        {
            // No per-result report and nothing observing the records: files are read side by side (see
            // ParallelRead). The scan's own pipeline then only counts, so its compiled mappings go to the
            // first worker; each other worker compiles its own (they are not thread-safe).
            var compiled = content.Mappings;
            var read = new ParallelRead(reader, keeper, router, noteResource =>
                new ScanPipeline(new Core.Mapping.Normalizer(Interlocked.Exchange(ref compiled, null) ?? content.NewMappings()), new Evaluator(controls, startedAt), policy)
                {
                    ResourceEvaluated = noteResource,
                }, maxRowsAhead);
            await read.RunAsync(paths, workers, pipeline.Counters, progress, cancellationToken);
            inputs = read.Inputs;
        }
        else
        {
            var records = reader.ReadAsync(paths, cancellationToken);
            if (hooks?.Records is { } rewrite)
            {
                records = rewrite(records);
            }

            await foreach (var evaluation in pipeline.RunAsync(router.ObserveAsync(records, cancellationToken), cancellationToken))
            {
                hooks?.Evaluation?.Invoke(evaluation);
                await router.WriteAsync(evaluation, cancellationToken);
                if (!keepRecords && (includePasses || evaluation.Status != EvaluationStatus.Pass))
                {
                    results.Add(evaluation.Detach());
                }

                progress?.Report(pipeline.Counters.Records, pipeline.Counters.Evaluations);
            }

            inputs = reader.Inputs;
        }

        var bad = unreadablePaths.Concat(inputs.Where(i => i.Error is not null).Select(i => i.Path)).ToList();
        var failure = bad.Count == 0 ? null
            : $"not merged: {string.Join(", ", bad)} could not be read whole, and unread records may belong to any scope of this scan; findings keep their state";
        var scopes = await router.CompleteAsync(failure, keeper.Kept.Where(k => k.Value.Count > 0).Select(k => k.Key), cancellationToken);
        if (failure is not null && scopes.Count == 0)
        {
            // Nothing was read at all: record why, so `posture scans list` explains the failed scan.
            await session.Store.FailScopeAsync(scan, "(unread inputs)", failure, cancellationToken);
        }

        var status = await session.Store.CompleteScanAsync(scan, cancellationToken);
        results.Complete();
        var outcome = new ScanOutcome(pipeline.Counters, inputs, controls, results, includePasses, startedAt, time.GetUtcNow());
        return (outcome, new StoreOutcome(scan, status, scopes, failure));
    }

    /// <summary>
    /// SHA-256 over the compiled controls (id, effective severity, resource type, NIST ids, bound parameters),
    /// the policy's exclusions and the content's fingerprint (every control and mapping file, the scanner's
    /// build), so two scans with different policies, libraries or scanners are told apart; a scan keeps
    /// records unparsed only from resources last merged under the same hash.
    /// </summary>
    public static string ControlSetHash(IReadOnlyList<CompiledControl> controls, ScanPolicy policy, string contentFingerprint)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = new StringBuilder(contentFingerprint).Append('\n');
        foreach (var exclusion in policy.Exclusions)
        {
            text.Append("exclude|").Append(exclusion.ResourcePattern).Append('|').Append(exclusion.TagKey).Append('|').Append(exclusion.TagValue)
                .Append('|').AppendJoin(',', exclusion.Controls).Append('\n');
        }

        foreach (var c in controls.OrderBy(c => c.Definition.Id, StringComparer.Ordinal))
        {
            text.Append(c.Definition.Id).Append('|').Append(c.Severity.ToName()).Append('|').Append(c.Definition.ResourceType).Append('|')
                .AppendJoin(',', c.Definition.Nist).Append('|');
            foreach (var (name, value) in c.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(name).Append('=').Append(value.ToString(Newtonsoft.Json.Formatting.None)).Append(';');
            }

            text.Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>One line per scan and per failed scope, for the human summary.</summary>
    public static void WriteSummary(TextWriter output, StoreOutcome store, string databaseDescription)
    {
        var done = store.Scopes.Where(s => s.Status == Postgres.Findings.ScopeStatus.Completed).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stored as scan {store.Scan.ScanId} of target '{store.Scan.Target}' ({store.Status.ToString().ToLowerInvariant()}) in {databaseDescription}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"merge: {done.Count} of {store.Scopes.Count} scopes completed; findings {done.Sum(s => s.Inserted)} new, {done.Sum(s => s.Changed)} changed, {done.Sum(s => s.Resolved)} resolved, {done.Sum(s => s.Missing)} no longer present, {done.Sum(s => s.Unchanged)} unchanged; resources {done.Sum(s => s.Resources)}, of them {done.Sum(s => s.UnchangedResources)} unchanged (not restaged)"));
        foreach (var scope in store.Scopes.Where(s => s.Status == Postgres.Findings.ScopeStatus.Failed))
        {
            output.WriteLine($"scope {scope.Scope} FAILED: {scope.Reason}");
        }
    }
}

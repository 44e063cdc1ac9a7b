using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports;

/// <summary>
/// Everything a report writer needs about one scan: the summary, the controls that were evaluated
/// (SARIF rules), the evaluations and whether passes are listed. Writers sort the results themselves
/// (provider, account, native id, control id; DECISIONS 9) and leave passes out unless
/// <see cref="IncludePasses"/> is set; <see cref="Summary"/> always counts them.
/// </summary>
/// <remarks>
/// The scan engine may drop passing evaluations before building the report (they are not written
/// without <see cref="IncludePasses"/>) as long as <see cref="ScanSummary.Evaluations"/> still
/// counts them; <see cref="Create"/> computes the counts from <see cref="Results"/> when it holds
/// every evaluation.
/// </remarks>
public sealed record ScanReport
{
    public required ScanSummary Summary { get; init; }

    /// <summary>The controls of this scan after policy selection, whether or not any resource matched them.</summary>
    public required IReadOnlyList<CompiledControl> Controls { get; init; }

    /// <summary>The evaluations, in any order (or in the stable order when <see cref="ResultsAreSorted"/>).</summary>
    public required IReadOnlyCollection<Evaluation> Results { get; init; }

    /// <summary>
    /// The results already come in the stable order (a large scan spooled to sorted runs on disk):
    /// writers then stream them, enumerating once per pass, instead of sorting an in-memory copy.
    /// Every result's control is then in <see cref="Controls"/>.
    /// </summary>
    public bool ResultsAreSorted { get; init; }

    /// <summary>List passing evaluations (<c>--include-passes</c>).</summary>
    public bool IncludePasses { get; init; }

    /// <summary>The <c>posture</c> version (SemVer 2.0 when it is one; SARIF <c>semanticVersion</c>).</summary>
    public required string ToolVersion { get; init; }

    /// <summary>When the scan started (SARIF <c>invocations[0].startTimeUtc</c>); from the scan's TimeProvider.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the scan finished (SARIF <c>invocations[0].endTimeUtc</c>).</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Builds a report whose evaluation counts are computed from <paramref name="results"/>.</summary>
    public static ScanReport Create(
        IReadOnlyList<CompiledControl> controls,
        IReadOnlyCollection<Evaluation> results,
        long resources,
        long excluded,
        IReadOnlyList<SnapshotInput> inputs,
        bool includePasses,
        string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new ScanReport
        {
            Summary = new ScanSummary
            {
                Resources = resources,
                Evaluations = EvaluationCounts.Of(results),
                Excluded = excluded,
                Inputs = inputs,
            },
            Controls = controls,
            Results = results,
            IncludePasses = includePasses,
            ToolVersion = toolVersion,
        };
    }

    /// <summary>The results a writer lists: passes only with <see cref="IncludePasses"/>, in the stable order.</summary>
    internal IEnumerable<Evaluation> ListedResults()
    {
        var listed = Results.Where(e => IncludePasses || e.Status != EvaluationStatus.Pass);
        if (ResultsAreSorted)
        {
            return listed;
        }

        var array = listed.ToArray();
        Array.Sort(array, ResultOrder.Instance);
        return array;
    }

    /// <summary>
    /// The controls to describe: <see cref="Controls"/> plus any control an evaluation names that the list lacks,
    /// one per id, ordered by id (ordinal).
    /// </summary>
    internal CompiledControl[] DescribedControls()
    {
        var byId = new Dictionary<string, CompiledControl>(StringComparer.Ordinal);
        foreach (var control in ResultsAreSorted ? Controls : Controls.Concat(Results.Select(r => r.Control)))
        {
            byId.TryAdd(control.Definition.Id, control);
        }

        return [.. byId.Values.OrderBy(c => c.Definition.Id, StringComparer.Ordinal)];
    }
}

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// One parsed record's resources as <see cref="EvaluationPreparer"/> made them ready for their scope's
/// <see cref="EvaluationStager"/>: everything that costs (digests, rows) is done, only what depends on
/// the order of the scan's records (which copy of a resource wins) is left to the stager. Holds no
/// reference to the native record, so it can wait for its turn without keeping JSON trees alive.
/// </summary>
public sealed class PreparedRecord
{
    public static readonly PreparedRecord Empty = new() { Resources = [] };

    /// <summary>The record's resources (those with at least one evaluation), in the order they were evaluated.</summary>
    public required IReadOnlyList<PreparedResource> Resources { get; init; }

    /// <summary>Rows staged for the record's resources (what it costs to hold the record until its turn).</summary>
    public int Rows
    {
        get
        {
            var rows = 0;
            foreach (var resource in Resources)
            {
                rows += resource.Rows.Count;
            }

            return rows;
        }
    }
}

/// <summary>One resource of a <see cref="PreparedRecord"/>.</summary>
public sealed class PreparedResource
{
    /// <summary>Hash of the store's resource key (<see cref="ScopeDigests.KeyOf"/>): copies of one resource share it.</summary>
    public required UInt128 KeyHash { get; init; }

    /// <summary>The evaluation digest (native record, normalized state, every evaluation): equal to the stored one, nothing is written.</summary>
    public required UInt128 Digest { get; init; }

    /// <summary>
    /// True when the preparer already found the same digest stored (it had the scope's digests): no rows
    /// were built. Otherwise the stager compares (<see cref="EvaluationStager.Take"/>), so a preparer never
    /// has to wait for the digests to load.
    /// </summary>
    public bool KnownUnchanged { get; init; }

    public required int Evaluations { get; init; }

    /// <summary>The controls that evaluated the resource: id and resource type (see <see cref="EvaluationStager.ScanControlTypes"/>).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Controls { get; init; }

    /// <summary>The resource's rows, its own columns on the first; empty when <see cref="KnownUnchanged"/>.</summary>
    public required IReadOnlyList<StagedEvaluation> Rows { get; init; }
}

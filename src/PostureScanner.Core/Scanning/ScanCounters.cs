using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Scanning;

/// <summary>Running totals of a scan; the summary counts include passes even when the output leaves them out.</summary>
public sealed class ScanCounters
{
    private readonly long[] _byStatus = new long[Enum.GetValues<EvaluationStatus>().Length];
    private readonly long[] _failuresBySeverity = new long[Enum.GetValues<Severity>().Length];
    private readonly long[] _failuresByProvider = new long[ProviderNames.All.Count];

    /// <summary>Native records read (parsed, or kept unparsed by a stored scan).</summary>
    public long Records { get; private set; }

    /// <summary>Records a stored scan kept unparsed (see <see cref="IRecordFilter"/>); included in the other counts.</summary>
    public long KeptRecords { get; private set; }

    /// <summary>Normalized resources evaluated.</summary>
    public long Resources { get; private set; }

    /// <summary>Records whose native type no mapping covers.</summary>
    public long Unmapped { get; private set; }

    /// <summary>Evaluations skipped by a policy exclusion.</summary>
    public long Excluded { get; private set; }

    public long this[EvaluationStatus status] => _byStatus[(int)status];

    public long Evaluations => _byStatus.Sum();

    public long Failures(Severity severity) => _failuresBySeverity[(int)severity];

    public long Failures(Provider provider) => _failuresByProvider[(int)provider];

    /// <summary>A record kept unparsed, and the <paramref name="resources"/> it made (their evaluations: <see cref="AddKept"/>).</summary>
    public void AddKeptRecord(int resources)
    {
        Records++;
        KeptRecords++;
        Resources += resources;
    }

    /// <summary>The evaluations of one resource of a kept record, as the store counted them.</summary>
    public void AddKept(Provider provider, ReadOnlySpan<int> byStatus, ReadOnlySpan<int> failuresBySeverity)
    {
        for (var i = 0; i < _byStatus.Length && i < byStatus.Length; i++)
        {
            _byStatus[i] += byStatus[i];
        }

        for (var i = 0; i < _failuresBySeverity.Length && i < failuresBySeverity.Length; i++)
        {
            _failuresBySeverity[i] += failuresBySeverity[i];
            _failuresByProvider[(int)provider] += failuresBySeverity[i];
        }
    }

    /// <summary>Adds the totals of another part of the same scan (a reading worker's).</summary>
    public void Add(ScanCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Records += other.Records;
        KeptRecords += other.KeptRecords;
        Resources += other.Resources;
        Unmapped += other.Unmapped;
        Excluded += other.Excluded;
        for (var i = 0; i < _byStatus.Length; i++)
        {
            _byStatus[i] += other._byStatus[i];
        }

        for (var i = 0; i < _failuresBySeverity.Length; i++)
        {
            _failuresBySeverity[i] += other._failuresBySeverity[i];
        }

        for (var i = 0; i < _failuresByProvider.Length; i++)
        {
            _failuresByProvider[i] += other._failuresByProvider[i];
        }
    }

    internal void AddRecord() => Records++;

    internal void AddResource() => Resources++;

    internal void AddUnmapped() => Unmapped++;

    internal void AddExcluded() => Excluded++;

    internal void Add(Evaluation.Evaluation evaluation)
    {
        _byStatus[(int)evaluation.Status]++;
        if (evaluation.Status == EvaluationStatus.Fail)
        {
            _failuresBySeverity[(int)evaluation.Severity]++;
            _failuresByProvider[(int)evaluation.Resource.Provider]++;
        }
    }
}

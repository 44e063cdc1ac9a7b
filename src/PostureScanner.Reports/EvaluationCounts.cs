using PostureScanner.Core.Evaluation;

namespace PostureScanner.Reports;

/// <summary>How many evaluations ended in each status.</summary>
public sealed record EvaluationCounts(long Pass, long Fail, long Unknown, long Error)
{
    public static EvaluationCounts Empty { get; } = new(0, 0, 0, 0);

    public long Total => Pass + Fail + Unknown + Error;

    public static EvaluationCounts Of(IEnumerable<Evaluation> evaluations)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        long pass = 0, fail = 0, unknown = 0, error = 0;
        foreach (var evaluation in evaluations)
        {
            switch (evaluation.Status)
            {
                case EvaluationStatus.Pass: pass++; break;
                case EvaluationStatus.Fail: fail++; break;
                case EvaluationStatus.Unknown: unknown++; break;
                default: error++; break;
            }
        }

        return new EvaluationCounts(pass, fail, unknown, error);
    }

    /// <summary>These counts with one more evaluation of <paramref name="status"/> (for engines that count as they go).</summary>
    public EvaluationCounts Add(EvaluationStatus status) => status switch
    {
        EvaluationStatus.Pass => this with { Pass = Pass + 1 },
        EvaluationStatus.Fail => this with { Fail = Fail + 1 },
        EvaluationStatus.Unknown => this with { Unknown = Unknown + 1 },
        _ => this with { Error = Error + 1 },
    };
}

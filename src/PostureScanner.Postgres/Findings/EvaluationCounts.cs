using PostureScanner.Core.Evaluation;

namespace PostureScanner.Postgres.Findings;

/// <summary>
/// A resource's evaluations counted as the scan summary counts them (migration 0006): by status
/// (pass, fail, unknown, error), then its failures by severity (critical to info). A scan that keeps a
/// record unparsed adds these instead of evaluating it.
/// </summary>
public static class EvaluationCounts
{
    public const int Length = 9;

    private const int Failures = 4;

    public static int[] Of(IReadOnlyList<Evaluation> evaluations)
    {
        ArgumentNullException.ThrowIfNull(evaluations);
        var counts = new int[Length];
        foreach (var evaluation in evaluations)
        {
            counts[(int)evaluation.Status]++;
            if (evaluation.Status == EvaluationStatus.Fail)
            {
                counts[Failures + (int)evaluation.Severity]++;
            }
        }

        return counts;
    }
}

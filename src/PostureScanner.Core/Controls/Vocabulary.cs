using PostureScanner.Core.Evaluation;

namespace PostureScanner.Core.Controls;

/// <summary>The one lowercase spelling of severities and statuses (DECISIONS 8).</summary>
public static class Vocabulary
{
    public static string ToName(this Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.High => "high",
        Severity.Medium => "medium",
        Severity.Low => "low",
        Severity.Info => "info",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    public static bool TryParseSeverity(string? value, out Severity severity)
    {
        foreach (var s in Enum.GetValues<Severity>())
        {
            if (s.ToName() == value)
            {
                severity = s;
                return true;
            }
        }

        severity = Severity.Info;
        return false;
    }

    public static string ToName(this EvaluationStatus status) => status switch
    {
        EvaluationStatus.Pass => "pass",
        EvaluationStatus.Fail => "fail",
        EvaluationStatus.Unknown => "unknown",
        EvaluationStatus.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseStatus(string? value, out EvaluationStatus status)
    {
        foreach (var s in Enum.GetValues<EvaluationStatus>())
        {
            if (s.ToName() == value)
            {
                status = s;
                return true;
            }
        }

        status = EvaluationStatus.Error;
        return false;
    }
}

namespace PostureScanner.Core.Evaluation;

/// <summary>Outcome of one control on one resource; lowercase in every output (DECISIONS 8).</summary>
public enum EvaluationStatus
{
    Pass,
    Fail,
    Unknown,
    Error,
}

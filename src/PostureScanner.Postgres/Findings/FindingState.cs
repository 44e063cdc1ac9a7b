namespace PostureScanner.Postgres.Findings;

/// <summary>
/// What a person sees: <see cref="Open"/> (failing), <see cref="Resolved"/> (failed, then passed or
/// disappeared), <see cref="Suppressed"/> (covered by an active suppression), or the plain
/// evaluation status when the finding never needs action (<see cref="Pass"/>, <see cref="Unknown"/>, <see cref="Error"/>).
/// </summary>
public enum FindingState
{
    Open,
    Resolved,
    Suppressed,
    Pass,
    Unknown,
    Error,
}

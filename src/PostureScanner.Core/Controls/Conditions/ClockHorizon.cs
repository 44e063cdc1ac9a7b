namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// Until when the clock cannot change a resource's evaluations. A <c>within-days</c> test that holds now
/// stops holding at its timestamp plus its days; one that no longer holds never holds again (the clock
/// only moves forward). The earliest of those instants over every control evaluated on a resource (its
/// applicability too) is how long a stored scan may trust the resource's stored evaluations without
/// evaluating it again; null: forever.
/// </summary>
public sealed class ClockHorizon
{
    public DateTimeOffset? Until { get; private set; }

    public void Limit(DateTimeOffset at)
    {
        if (Until is not { } until || at < until)
        {
            Until = at;
        }
    }

    public void Reset() => Until = null;
}

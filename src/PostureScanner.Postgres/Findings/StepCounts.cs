namespace PostureScanner.Postgres.Findings;

/// <summary>Rows changed, events, outbox rows and resolved findings written by one merge statement.</summary>
internal sealed record StepCounts(int Rows, int Events, int Outbox, int Resolved);

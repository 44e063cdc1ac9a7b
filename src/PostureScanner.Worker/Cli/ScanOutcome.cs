using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Scanning;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// The result of an offline scan: counters, what happened to each input, the controls run and the
/// retained results (in the stable order; a <see cref="ResultSpool"/> for large scans, whose temporary
/// files go with <see cref="Dispose"/>).
/// </summary>
internal sealed record ScanOutcome(ScanCounters Counters, IReadOnlyList<SnapshotInput> Inputs, IReadOnlyList<CompiledControl> Controls, IReadOnlyCollection<Evaluation> Results, bool IncludePasses,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
    : IDisposable
{
    public void Dispose() => (Results as IDisposable)?.Dispose();
}

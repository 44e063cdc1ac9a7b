using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Scanning;

namespace PostureScanner.Worker.Cli;

/// <summary>The result of an offline scan: counters, what happened to each input, the controls run and the retained results (sorted).</summary>
internal sealed record ScanOutcome(ScanCounters Counters, IReadOnlyList<SnapshotInput> Inputs, IReadOnlyList<CompiledControl> Controls, IReadOnlyList<Evaluation> Results, bool IncludePasses,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>Optional taps of a stored scan: rewrite the record stream (the demo's second day) and see every evaluation.</summary>
internal sealed record ScanHooks
{
    public Func<IAsyncEnumerable<RawAsset>, IAsyncEnumerable<RawAsset>>? Records { get; init; }

    public Action<Evaluation>? Evaluation { get; init; }
}

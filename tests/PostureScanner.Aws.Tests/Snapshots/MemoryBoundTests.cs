namespace PostureScanner.Aws.Tests.Snapshots;

/// <summary>Tests that measure the process's managed memory run alone, so other tests' allocations do not blur the figure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBoundTests
{
    public const string Name = "memory-bound";
}

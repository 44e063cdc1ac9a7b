namespace PostureScanner.Worker.Cli;

/// <summary>What the demo's second day does to a resource.</summary>
internal enum DemoChangeKind
{
    Fixed,
    Broken,
    Deleted,
}

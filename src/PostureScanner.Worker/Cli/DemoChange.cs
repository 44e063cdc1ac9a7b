using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>One change of the demo's second day: a resource fixed or broken (its record now holds a twin's configuration) or deleted.</summary>
internal sealed record DemoChange(DemoChangeKind Kind, Provider Provider, string NativeType, string NativeId, string Name, string? TwinName);

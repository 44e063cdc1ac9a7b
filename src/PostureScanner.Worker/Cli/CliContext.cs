namespace PostureScanner.Worker.Cli;

/// <summary>What every verb writes to and reads time from; tests pass their own writers and a fake clock.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, TimeProvider Time);

namespace PostureScanner.Worker.Cli;

/// <summary>Process exit codes of the <c>posture</c> CLI (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Findings at or above <c>--fail-on</c>.</summary>
    public const int Findings = 1;

    /// <summary>Usage or configuration error (bad option, invalid control, policy or mapping).</summary>
    public const int Usage = 2;

    /// <summary>An input could not be read (every bad file is named; the good ones were still scanned).</summary>
    public const int InputError = 3;
}

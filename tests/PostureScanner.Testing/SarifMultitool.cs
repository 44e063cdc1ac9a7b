using System.Diagnostics;
using Xunit;

namespace PostureScanner.Testing;

/// <summary>
/// The official SARIF validator with GitHub's ingestion rules, through scripts/validate-sarif.sh (which
/// installs it with npm on first use and reads its log, since the multitool exits 0 on errors: DECISIONS 18).
/// </summary>
public static class SarifMultitool
{
    public static async Task AssertValidAsync(string sarifPath)
    {
        using var validate = Process.Start(new ProcessStartInfo("bash", [RepoPaths.Combine("scripts", "validate-sarif.sh"), sarifPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = validate.StandardOutput.ReadToEndAsync();
        var stderr = await validate.StandardError.ReadToEndAsync();
        await validate.WaitForExitAsync();
        Assert.True(validate.ExitCode == 0, $"SARIF multitool validation failed (needs npm to install @microsoft/sarif-multitool):\n{await stdout}\n{stderr}");
    }
}

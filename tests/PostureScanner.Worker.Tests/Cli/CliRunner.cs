using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Tests.Cli;

/// <summary>Runs the real command tree in-process with captured stdout/stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(TimeProvider.System, args);

    public static async Task<Result> RunAsync(TimeProvider time, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await PostureCli.RunAsync(args, new CliContext(stdout, stderr, time), CancellationToken.None);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A clock stopped at one instant: a scan "run" on another day.</summary>
    public sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

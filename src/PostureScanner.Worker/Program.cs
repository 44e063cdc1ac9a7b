using PostureScanner.Worker.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await PostureCli.RunAsync(args, new CliContext(Console.Out, Console.Error, TimeProvider.System), cancellation.Token);

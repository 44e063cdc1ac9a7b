using System.Globalization;

namespace PostureScanner.Worker.Cli;

/// <summary>Progress on stderr for long scans: records read and rate, at most every two seconds.</summary>
internal sealed class ScanProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _last;

    public ScanProgress(TextWriter error, TimeProvider time)
    {
        _error = error;
        _time = time;
        _start = _last = time.GetTimestamp();
    }

    public void Report(long records, long evaluations)
    {
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_last, now) < Interval)
        {
            return;
        }

        _last = now;
        var seconds = Math.Max(_time.GetElapsedTime(_start, now).TotalSeconds, 0.001);
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  read {records:N0} records, {evaluations:N0} evaluations ({records / seconds:N0} records/s)"));
    }

    public TimeSpan Elapsed => _time.GetElapsedTime(_start);
}

using Microsoft.Extensions.Logging;

namespace PostureScanner.Postgres;

/// <summary>Source-generated log messages of the store (event ids 5000-5999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Scope {Scope} of scan {ScanId} merged: {Inserted} new, {Changed} changed, {Resolved} resolved, {Unchanged} unchanged")]
    public static partial void ScopeMerged(ILogger logger, string scope, long scanId, int inserted, int changed, int resolved, int unchanged);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Scope {Scope} of scan {ScanId} failed: {Reason}; nothing in it is resolved")]
    public static partial void ScopeFailed(ILogger logger, string scope, long scanId, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Merge of scope {Scope} (scan {ScanId}) lost a conflict with a concurrent merge ({SqlState}); attempt {Attempt} runs it again from the staged rows")]
    public static partial void MergeRetried(ILogger logger, string scope, long scanId, string sqlState, int attempt);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Suppression {SuppressionId} expired; {Count} findings re-opened")]
    public static partial void SuppressionExpired(ILogger logger, long suppressionId, int count);
}

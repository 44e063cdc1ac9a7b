using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Findings;

/// <summary>The stored, current state of one control on one resource.</summary>
public sealed record FindingRecord
{
    public required string Fingerprint { get; init; }

    public required string ControlId { get; init; }

    public required Provider Provider { get; init; }

    /// <summary>Native id (ARN, ARM id, CAI asset name).</summary>
    public required string ResourceId { get; init; }

    public required string ResourceType { get; init; }

    public required string NativeType { get; init; }

    public required string ResourceName { get; init; }

    public required string Account { get; init; }

    public required string Region { get; init; }

    public required string Target { get; init; }

    public required string Scope { get; init; }

    public required EvaluationStatus Status { get; init; }

    public required Severity Severity { get; init; }

    public required FindingState State { get; init; }

    /// <summary>NIST SP 800-53 Rev 5 ids in catalog form (<c>ac-2.1</c>).</summary>
    public required IReadOnlyList<string> Nist { get; init; }

    /// <summary>Attribute path to observed value (null when absent).</summary>
    public required JObject Evidence { get; init; }

    public string? Message { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary><c>passed</c>, <c>resource_deleted</c> or <c>not_evaluated</c> while resolved.</summary>
    public string? Resolution { get; init; }

    /// <summary>Set while the finding is absent from the last completed scan of its scope.</summary>
    public DateTimeOffset? MissingSince { get; init; }

    public required int ReopenedCount { get; init; }

    public long? SuppressionId { get; init; }

    public required long LastScanId { get; init; }
}

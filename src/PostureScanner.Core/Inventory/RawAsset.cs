using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// One native record as a cloud returned it, after the reader has put its envelope into the
/// canonical form mappings read (see docs/canonical-records.md): AWS a Config item in API form
/// with <c>configuration</c> and <c>supplementaryConfiguration</c> decoded to objects; Azure an
/// ARM resource object; GCP a Cloud Asset with camelCase envelope keys and its IAM policy joined.
/// </summary>
public sealed record RawAsset
{
    public required Provider Provider { get; init; }

    /// <summary>The unit the record was collected in (account+region, subscription, project) or the input file.</summary>
    public required string Scope { get; init; }

    /// <summary><c>AWS::S3::Bucket</c>, <c>Microsoft.Storage/storageAccounts</c>, <c>storage.googleapis.com/Bucket</c>.</summary>
    public required string NativeType { get; init; }

    /// <summary>ARN, ARM id or CAI asset name.</summary>
    public required string NativeId { get; init; }

    /// <summary>AWS account id, Azure subscription id, GCP project id; empty when the record does not say.</summary>
    public required string Account { get; init; }

    /// <summary>The cloud's region, or <c>global</c>.</summary>
    public required string Region { get; init; }

    /// <summary>The record in canonical form; mappings evaluate JMESPath over it.</summary>
    public required JObject Data { get; init; }

    /// <summary>
    /// Hash of the native record's bytes as read, with its format (<see cref="RecordHashes"/>), when that
    /// record alone made this asset and a stored scan asked for it (<see cref="SnapshotSession.Records"/>);
    /// null otherwise (a GCP resource joined with a separate IAM-policy record, a table row).
    /// </summary>
    public UInt128? RecordHash { get; init; }
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Tests;

/// <summary>Evaluations built with the real Core API: controls loaded from YAML, compiled, evaluated on hand-made resources.</summary>
internal static class TestInventory
{
    public const string EncryptedControl = "test-bucket-encrypted";
    public const string PrivateControl = "test-bucket-private";
    public const string BindingControl = "test-binding-private";

    private static readonly ControlDefinition Encrypted = Load("data-protection/test-bucket-encrypted.yaml", """
        id: test-bucket-encrypted
        title: Buckets are encrypted
        severity: high
        resource-type: object_storage.bucket
        nist-800-53-r5: [SC-28, SC-28(1)]
        description: Test control.
        remediation: Encrypt it.
        check:
          equals: { attribute: encrypted, value: true }
        """);

    private static readonly ControlDefinition Private = Load("access-control/test-bucket-private.yaml", """
        id: test-bucket-private
        title: Buckets are not public
        severity: medium
        resource-type: object_storage.bucket
        nist-800-53-r5: [AC-3]
        description: Test control.
        remediation: Make it private.
        check:
          equals: { attribute: public, value: false }
        """);

    private static readonly ControlDefinition BindingPrivate = Load("access-control/test-binding-private.yaml", """
        id: test-binding-private
        title: Bindings do not grant to everyone
        severity: critical
        resource-type: iam.binding
        nist-800-53-r5: [AC-3]
        description: Test control.
        remediation: Remove the public member.
        check:
          equals: { attribute: public, value: false }
        """);

    /// <summary>
    /// The IAM policy side of <paramref name="bucket"/>: the same native record and id as another normalized
    /// type, as the GCP mapping makes of a bucket with its IAM policy.
    /// </summary>
    public static Resource BindingOf(Resource bucket) => bucket with
    {
        Type = "iam.binding",
        Attributes = new Dictionary<string, JToken>(StringComparer.Ordinal) { ["public"] = bucket.Attributes["public"] },
    };

    public static Resource Bucket(string name, bool? encrypted = true, bool isPublic = false, Provider provider = Provider.Aws,
        IReadOnlyDictionary<string, string>? tags = null)
    {
        var attributes = new Dictionary<string, JToken>(StringComparer.Ordinal) { ["public"] = isPublic };
        if (encrypted is { } e)
        {
            attributes["encrypted"] = e;
        }

        var id = provider == Provider.Aws ? $"arn:aws:s3:::{name}" : $"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/{name}";
        return new Resource
        {
            Provider = provider,
            Account = "111122223333",
            Region = "us-east-1",
            Type = "object_storage.bucket",
            NativeType = "AWS::S3::Bucket",
            Id = id,
            Name = name,
            Tags = tags ?? new Dictionary<string, string>(),
            Attributes = attributes,
            Raw = new RawAsset
            {
                Provider = provider,
                Scope = "111122223333/us-east-1",
                NativeType = "AWS::S3::Bucket",
                NativeId = id,
                Account = "111122223333",
                Region = "us-east-1",
                Data = new JObject { ["ARN"] = id, ["encrypted"] = encrypted, ["public"] = isPublic },
            },
        };
    }

    /// <summary>Both test controls on every resource, in resource order (as ScanPipeline yields them).</summary>
    public static List<Evaluation> Evaluate(IEnumerable<Resource> resources, Severity? encryptedSeverity = null)
    {
        var evaluator = new Evaluator([CompiledControl.Compile(Encrypted, encryptedSeverity), CompiledControl.Compile(Private), CompiledControl.Compile(BindingPrivate)],
            DateTimeOffset.UnixEpoch);
        return resources.SelectMany(evaluator.Evaluate).ToList();
    }

    public static List<Evaluation> Evaluate(params Resource[] resources) => Evaluate(resources, null);

#pragma warning disable CS1998 // async iterator without await: a stream for the store's API
    public static async IAsyncEnumerable<Evaluation> Stream(IEnumerable<Evaluation> evaluations)
#pragma warning restore CS1998
    {
        foreach (var e in evaluations)
        {
            yield return e;
        }
    }

    public static string Fingerprint(string control, Resource resource) => Fingerprints.Compute(control, resource.Provider, resource.Id);

    private static ControlDefinition Load(string path, string yaml)
    {
        var (control, errors) = new ControlLoader(NistCatalog.Embedded).Load(path, yaml);
        return control ?? throw new InvalidOperationException(string.Join("; ", errors));
    }
}

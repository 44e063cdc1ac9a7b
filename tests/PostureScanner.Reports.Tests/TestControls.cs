using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Reports.Tests;

/// <summary>Controls written for the report tests (not the shipped ones, so that content changes do not move golden files).</summary>
internal static class TestControls
{
    public const string EncryptedAtRestYaml = """
        id: object-storage-encrypted-at-rest
        aliases: [s3-bucket-encryption]
        title: Object storage encrypts data at rest
        severity: high
        resource-type: object_storage.bucket
        nist-800-53-r5: [SC-28, SC-28(1)]
        tags: [encryption]
        description: >-
          Unencrypted buckets expose their data to anyone who obtains the underlying media or a copy of it.
        remediation: >-
          Turn on default encryption: SSE-S3 or SSE-KMS on AWS, Storage Service Encryption on Azure,
          Google-managed or CMEK keys on GCP.
        check:
          equals: {attribute: encryption.at_rest.enabled, value: true}
        """;

    public const string VersioningYaml = """
        id: object-storage-versioning-enabled
        title: Object storage keeps previous versions
        severity: low
        resource-type: object_storage.bucket
        nist-800-53-r5: [CP-9, CP-10]
        description: Versioning lets you recover objects that were overwritten or deleted by mistake or by an attacker.
        remediation: Enable object versioning on the bucket.
        check:
          equals: {attribute: versioning.enabled, value: true}
        """;

    public const string NoPublicSshYaml = """
        id: firewall-no-public-ssh
        title: Firewalls do not open SSH to the internet
        severity: critical
        resource-type: network.firewall
        nist-800-53-r5: [SC-7, SC-7(4), AC-3]
        description: SSH open to 0.0.0.0/0 invites brute force and exploitation of the SSH daemon.
        remediation: |-
          Restrict port 22 to known administrative ranges, or use a bastion or session manager.
          Remove rules whose source is `0.0.0.0/0` or `::/0`.
        check:
          none:
            attribute: ingress
            where:
              all:
                - cidr-is-internet: source
                - ports-include: {attribute: ports, ports: 22}
        """;

    public const string AuditTrailYaml = """
        id: audit-trail-enabled
        title: Audit logging is on
        severity: medium
        resource-type: audit.trail
        nist-800-53-r5: [AU-2, AU-12]
        description: Without an audit trail, changes to the account cannot be investigated.
        remediation: Turn the trail on and keep it logging.
        check:
          equals: {attribute: logging.enabled, value: true}
        """;

    public static CompiledControl EncryptedAtRest { get; } = Compile("data-protection", EncryptedAtRestYaml);

    public static CompiledControl Versioning { get; } = Compile("resilience", VersioningYaml);

    public static CompiledControl NoPublicSsh { get; } = Compile("network", NoPublicSshYaml);

    public static CompiledControl AuditTrail { get; } = Compile("logging", AuditTrailYaml);

    public static IReadOnlyList<CompiledControl> All { get; } = [EncryptedAtRest, Versioning, NoPublicSsh, AuditTrail];

    public static CompiledControl Compile(string domain, string yaml)
    {
        var id = yaml.Split('\n')[0]["id: ".Length..].Trim();
        var (control, errors) = new ControlLoader(NistCatalog.Embedded).Load($"{domain}/{id}.yaml", yaml);
        Assert.True(control is not null, string.Join("\n", errors.Select(e => e.ToString())));
        return CompiledControl.Compile(control!);
    }
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports.Tests;

/// <summary>
/// The scans behind the golden files: three clouds, every status and every SARIF level, a failed input and an
/// evaluation error. Evaluations come from the real evaluator, except the error, which needs a broken control.
/// </summary>
internal static class ReportScenarios
{
    public const string ToolVersion = "0.9.0-test";

    public static readonly DateTimeOffset ScanTime = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<SnapshotInput> Inputs { get; } =
    [
        new("inventory/aws-config-snapshot.json", "aws-config-snapshot", 4, null),
        new("inventory/azure-resource-graph.json", "azure-resource-graph", 1, null),
        new("inventory/gcp-cai-export.json", "gcp-cai-export", 3, null),
        new("inventory/truncated.json", null, 0, "line 1, position 0: not JSON"),
    ];

    public static IReadOnlyList<Resource> Resources { get; } =
    [
        TestResources.AwsBucket("logs-prod", """{"encryption": {"at_rest": {"enabled": false}}, "versioning": {"enabled": true}}"""),
        TestResources.AwsBucket("assets", """{"encryption": {"at_rest": {"enabled": true, "key": "aws:kms"}}}"""),
        TestResources.AzureStorageAccount("StProd01", """{"encryption": {"at_rest": {"enabled": true}}, "versioning": {"enabled": false}}"""),
        TestResources.GcpBucket("acme-prod-exports", """{"encryption": {"at_rest": {"enabled": "yes"}}, "versioning": {"enabled": true}}"""),
        TestResources.Create(Provider.Aws, "123456789012", "eu-west-1", "network.firewall", "AWS::EC2::SecurityGroup",
            "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b2c3d", "bastion-sg",
            """{"ingress": [{"source": "10.0.0.0/8", "ports": [{"from": 443, "to": 443}]}, {"source": "0.0.0.0/0", "ports": [{"from": 22, "to": 22}]}]}"""),
        TestResources.Create(Provider.Gcp, "acme-prod", "global", "network.firewall", "compute.googleapis.com/Firewall",
            "//compute.googleapis.com/projects/acme-prod/global/firewalls/allow-ssh-internal", "allow-ssh-internal",
            """{"ingress": [{"source": "10.128.0.0/9", "ports": [{"from": 22, "to": 22}]}]}"""),
        TestResources.Create(Provider.Aws, "123456789012", "us-east-1", "audit.trail", "AWS::CloudTrail::Trail",
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/main-trail", "main-trail",
            """{"logging": {"enabled": false, "last_delivery": "2025-05-30T08:15:00Z"}}"""),
        TestResources.Create(Provider.Gcp, "acme-prod", "global", "audit.trail", "logging.googleapis.com/LogSink",
            "//logging.googleapis.com/projects/acme-prod/sinks/_Required", "_Required", """{}"""),
    ];

    /// <summary>Every evaluation of the scan, shuffled so that the writers' ordering is what puts them in order.</summary>
    public static IReadOnlyList<Evaluation> Evaluations()
    {
        var evaluator = new Evaluator(TestControls.All, ScanTime);
        var results = Resources.SelectMany(evaluator.Evaluate).ToList();

        // The GCP sink's evaluation becomes an error, as a control that throws would make it.
        var sink = results.Single(r => r.Resource.Name == "_Required");
        results[results.IndexOf(sink)] = sink with
        {
            Status = EvaluationStatus.Error,
            Evidence = new Dictionary<string, JToken?>(StringComparer.Ordinal),
            Message = "RegexMatchTimeoutException: the pattern timed out after 00:00:01",
        };

        results.Reverse();
        return results;
    }

    public static ScanReport MultiCloud(bool includePasses) =>
        ScanReport.Create(TestControls.All, Evaluations(), Resources.Count, excluded: 2, Inputs, includePasses, ToolVersion) with
        {
            StartedAt = ScanTime,
            FinishedAt = ScanTime.AddSeconds(42.5),
        };
}

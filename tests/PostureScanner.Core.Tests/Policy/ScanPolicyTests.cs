using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Policy;

namespace PostureScanner.Core.Tests.Policy;

public sealed class ScanPolicyTests
{
    private static ControlSet Controls()
    {
        var high = TestResources.Control("exists: a") with { Id = "high-one", Tags = ["encryption"], Nist = ["sc-28"] };
        var low = TestResources.Control("exists: a") with { Id = "low-one", Severity = Severity.Low, Domain = "logging", Nist = ["au-11"], Parameters = [new ControlParameter { Name = "days", Default = 30 }] };
        return new ControlSet([high, low]);
    }

    [Fact]
    public void Load_SelectsByTagSeverityAndBaseline()
    {
        var controls = Controls();
        var byTag = ScanPolicyLoader.Load("p.yaml", "controls:\n  tags: [encryption]\n", controls);
        Assert.Equal(["high-one"], byTag.Compile(controls, NistCatalog.Embedded).Select(c => c.Definition.Id));
        var bySeverity = ScanPolicyLoader.Load("p.yaml", "controls:\n  severities: [low]\n", controls);
        Assert.Equal(["low-one"], bySeverity.Compile(controls, NistCatalog.Embedded).Select(c => c.Definition.Id));
        // AU-11 is in the LOW baseline, SC-28 is not (it starts at MODERATE).
        var low = ScanPolicyLoader.Load("p.yaml", "controls:\n  baseline: low\n", controls);
        Assert.Equal(["low-one"], low.Compile(controls, NistCatalog.Embedded).Select(c => c.Definition.Id));
    }

    [Fact]
    public void Load_OverridesSeverityAndParameters()
    {
        var controls = Controls();
        var policy = ScanPolicyLoader.Load("p.yaml", "overrides:\n  low-one: { severity: critical, parameters: { days: 90 } }\n", controls);
        var compiled = policy.Compile(controls, NistCatalog.Embedded).Single(c => c.Definition.Id == "low-one");
        Assert.Equal(Severity.Critical, compiled.Severity);
        Assert.Equal(90, compiled.Parameters["days"].Value<int>());
    }

    [Fact]
    public void Load_ExclusionByGlobAndTag_RequiresReason()
    {
        var controls = Controls();
        var policy = ScanPolicyLoader.Load("p.yaml", "exclusions:\n  - { resource: 'arn:aws:s3:::B*', reason: public website }\n  - { tag: env=sandbox, controls: [low-one], reason: sandbox }\n", controls);
        var high = controls.Find("high-one")!;
        var low = controls.Find("low-one")!;
        Assert.Equal("public website", policy.Excludes(high, TestResources.Resource("{}", id: "arn:aws:s3:::b-site"))?.Reason);
        Assert.Null(policy.Excludes(high, TestResources.Resource("{}", id: "arn:aws:s3:::other")));
        var sandbox = TestResources.Resource("{}", id: "arn:aws:s3:::other") with { Tags = new Dictionary<string, string> { ["env"] = "sandbox" } };
        Assert.Equal("sandbox", policy.Excludes(low, sandbox)?.Reason);
        Assert.Null(policy.Excludes(high, sandbox));

        var ex = Assert.Throws<ContentException>(() => ScanPolicyLoader.Load("p.yaml", "exclusions:\n  - { resource: 'x*' }\n", controls));
        Assert.Contains(ex.Errors, e => e.Field == "exclusions[0].reason" && e.Line == 2);
    }

    [Fact]
    public void Load_UnknownControlAndParameter_AreLocatedErrors()
    {
        var ex = Assert.Throws<ContentException>(() => ScanPolicyLoader.Load("p.yaml", "overrides:\n  nope: { severity: low }\n  low-one: { parameters: { weeks: 2 } }\n", Controls()));
        Assert.Contains(ex.Errors, e => e.Field == "overrides.nope" && e.Line == 2);
        Assert.Contains(ex.Errors, e => e.Field == "overrides.low-one.parameters.weeks" && e.Line == 3);
    }
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Worker.Cli;

namespace PostureScanner.Worker.Tests.Cli;

public sealed class ResultSpoolTests
{
    private static CompiledControl Control(string id)
    {
        var (control, errors) = new Core.Controls.ControlLoader(NistCatalog.Embedded).Load($"network/{id}.yaml", $"""
            id: {id}
            title: T
            severity: high
            resource-type: network.firewall
            nist-800-53-r5: [SC-7]
            description: d
            remediation: r
            check:
              exists: a
            """);
        Assert.Empty(errors);
        return CompiledControl.Compile(control!);
    }

    private static Evaluation Result(CompiledControl control, Provider provider, string id, EvaluationStatus status) => new()
    {
        Control = control,
        Status = status,
        Message = status == EvaluationStatus.Unknown ? "a: missing" : null,
        Evidence = new Dictionary<string, JToken?> { ["a"] = status == EvaluationStatus.Unknown ? null : new JArray(1, "x") },
        Resource = new Resource
        {
            Provider = provider, Account = "acct", Region = "r1", Type = "network.firewall", NativeType = "T", Id = id, Name = "n-" + id,
            Tags = new Dictionary<string, string>(), Attributes = new Dictionary<string, JToken>(),
            Raw = new RawAsset { Provider = provider, Scope = "s", NativeType = "T", NativeId = id, Account = "acct", Region = "r1", Data = [] },
        },
    };

    [Fact]
    public void Spilled_EnumeratesInStableOrderWithContent()
    {
        var controls = new[] { Control("c-one"), Control("c-two") };
        var random = new Random(7);
        var input = Enumerable.Range(0, 250)
            .Select(i => Result(controls[i % 2], ProviderNames.All[random.Next(3)], $"id-{random.Next(1000):D4}-{i:D3}", i % 5 == 0 ? EvaluationStatus.Unknown : EvaluationStatus.Fail))
            .ToList();
        using var spool = new ResultSpool(controls, runSize: 40);
        foreach (var e in input)
        {
            spool.Add(e);
        }

        spool.Complete();
        Assert.True(spool.Spilled);
        var output = spool.ToList();
        Assert.Equal(250, spool.Count);
        Assert.Equal(input.Count, output.Count);
        var expected = input.OrderBy(e => e, ResultOrder.Instance).ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Resource.Id, output[i].Resource.Id);
            Assert.Equal(expected[i].Resource.Provider, output[i].Resource.Provider);
            Assert.Equal(expected[i].Control.Definition.Id, output[i].Control.Definition.Id);
            Assert.Equal(expected[i].Status, output[i].Status);
            Assert.Equal(expected[i].Message, output[i].Message);
            Assert.True(JToken.DeepEquals(expected[i].Evidence["a"], output[i].Evidence["a"]));
        }

        // A second enumeration (SARIF makes several passes) gives the same sequence.
        Assert.Equal(output.Select(e => e.Fingerprint), spool.Select(e => e.Fingerprint));
    }

    [Fact]
    public void Small_StaysInMemoryAndSorted()
    {
        var control = Control("c-one");
        using var spool = new ResultSpool([control]);
        spool.Add(Result(control, Provider.Gcp, "b", EvaluationStatus.Fail));
        spool.Add(Result(control, Provider.Aws, "z", EvaluationStatus.Fail));
        spool.Complete();
        Assert.False(spool.Spilled);
        Assert.Equal(["z", "b"], spool.Select(e => e.Resource.Id));
    }
}

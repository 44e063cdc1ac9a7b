using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Core.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private const string EqualsTrue = "equals: { attribute: encryption.enabled, value: true }";

    [Fact]
    public void Evaluate_AttributeTrue_ReturnsPassWithEvidence()
    {
        var e = TestResources.Evaluate(EqualsTrue, """{"encryption.enabled": true}""");
        Assert.Equal(EvaluationStatus.Pass, e.Status);
        Assert.True(e.Evidence["encryption.enabled"]!.Value<bool>());
    }

    [Fact]
    public void Evaluate_AttributeFalse_ReturnsFail()
    {
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate(EqualsTrue, """{"encryption.enabled": false}""").Status);
    }

    [Fact]
    public void Evaluate_AttributeMissing_ReturnsUnknownNamingIt()
    {
        var e = TestResources.Evaluate(EqualsTrue, "{}");
        Assert.Equal(EvaluationStatus.Unknown, e.Status);
        Assert.Contains("encryption.enabled: missing", e.Message, StringComparison.Ordinal);
        Assert.True(e.Evidence.ContainsKey("encryption.enabled"));
        Assert.Null(e.Evidence["encryption.enabled"]);
    }

    [Fact]
    public void Evaluate_AttributeWrongType_ReturnsUnknownNotFail()
    {
        var e = TestResources.Evaluate(EqualsTrue, """{"encryption.enabled": "yes"}""");
        Assert.Equal(EvaluationStatus.Unknown, e.Status);
        Assert.Contains("expected boolean", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NotOfMissing_StaysUnknown()
    {
        Assert.Equal(EvaluationStatus.Unknown, TestResources.Evaluate("not: { " + EqualsTrue + " }", "{}").Status);
    }

    [Theory]
    [InlineData("""{"a": true, "b": false}""", EvaluationStatus.Fail)]
    [InlineData("""{"a": true}""", EvaluationStatus.Unknown)]
    [InlineData("""{"b": false}""", EvaluationStatus.Fail)]
    [InlineData("""{"a": true, "b": true}""", EvaluationStatus.Pass)]
    public void Evaluate_All_UsesThreeValuedLogic(string attributes, EvaluationStatus expected)
    {
        const string check = """
            all:
              - equals: { attribute: a, value: true }
              - equals: { attribute: b, value: true }
            """;
        Assert.Equal(expected, TestResources.Evaluate(check, attributes).Status);
    }

    [Theory]
    [InlineData("""{"a": true}""", EvaluationStatus.Pass)]
    [InlineData("""{"b": false}""", EvaluationStatus.Unknown)]
    [InlineData("""{"a": false, "b": false}""", EvaluationStatus.Fail)]
    public void Evaluate_Any_UsesThreeValuedLogic(string attributes, EvaluationStatus expected)
    {
        const string check = """
            any:
              - equals: { attribute: a, value: true }
              - equals: { attribute: b, value: true }
            """;
        Assert.Equal(expected, TestResources.Evaluate(check, attributes).Status);
    }

    [Fact]
    public void Evaluate_ExistsOnMissing_IsFailNotUnknown()
    {
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate("exists: logging.target", "{}").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("exists: logging.target", """{"logging.target": "b2"}""").Status);
    }

    [Fact]
    public void Evaluate_NumbersCompareAcrossIntAndFloat()
    {
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("equals: { attribute: port, value: 22 }", """{"port": 22.0}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("greater-or-equal: { attribute: days, value: 90 }", """{"days": 90.0}""").Status);
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate("less-than: { attribute: days, value: 90 }", """{"days": 90}""").Status);
    }

    [Fact]
    public void Evaluate_ParameterDefaultAndOverride_AreUsed()
    {
        const string extra = "parameters:\n  min-days: { default: 30 }";
        var control = TestResources.Control("greater-or-equal: { attribute: days, value: { param: min-days } }", extra);
        var resource = TestResources.Resource("""{"days": 40}""");
        var byDefault = CompiledControl.Compile(control);
        var stricter = CompiledControl.Compile(control, parameterOverrides: new Dictionary<string, JToken> { ["min-days"] = 60 });
        var evaluator = new Evaluator([byDefault, stricter], TestResources.Now);
        Assert.Equal(EvaluationStatus.Pass, evaluator.Evaluate(byDefault, resource)!.Status);
        Assert.Equal(EvaluationStatus.Fail, evaluator.Evaluate(stricter, resource)!.Status);
    }

    [Fact]
    public void Evaluate_WithinDays_ComparesWithScanTime()
    {
        const string check = "within-days: { attribute: rotated_at, days: 90 }";
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate(check, """{"rotated_at": "2026-10-01T00:00:00Z"}""").Status);
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate(check, """{"rotated_at": "2026-01-01T00:00:00Z"}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate(check, """{"rotated_at": 1790000000}""").Status);
        Assert.Equal(EvaluationStatus.Unknown, TestResources.Evaluate(check, """{"rotated_at": "not a date"}""").Status);
    }

    [Fact]
    public void Evaluate_NoneOverRules_FailsWithOffendingElementAsEvidence()
    {
        const string check = """
            none:
              attribute: ingress_rules
              where:
                all:
                  - cidr-is-internet: sources
                  - ports-include: { attribute: port_ranges, ports: [22, 3389] }
            """;
        var open = TestResources.Evaluate(check, """{"ingress_rules": [{"sources": ["10.0.0.0/8"], "port_ranges": [{"from": 22, "to": 22}]}, {"sources": ["0.0.0.0/0"], "port_ranges": [{"from": 0, "to": 65535}]}]}""");
        Assert.Equal(EvaluationStatus.Fail, open.Status);
        var offending = Assert.IsType<Newtonsoft.Json.Linq.JArray>(open.Evidence["ingress_rules"]);
        Assert.Equal("0.0.0.0/0", offending.Single()["sources"]![0]!.Value<string>());

        var closed = TestResources.Evaluate(check, """{"ingress_rules": [{"sources": ["0.0.0.0/0"], "port_ranges": ["443"]}]}""");
        Assert.Equal(EvaluationStatus.Pass, closed.Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate(check, """{"ingress_rules": []}""").Status);
        Assert.Equal(EvaluationStatus.Unknown, TestResources.Evaluate(check, "{}").Status);
    }

    [Fact]
    public void Evaluate_EveryAndSome_OnLists()
    {
        const string every = "every: { attribute: keys, where: { equals: { attribute: enabled, value: true } } }";
        const string some = "some: { attribute: keys, where: { equals: { attribute: enabled, value: true } } }";
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate(every, """{"keys": [{"enabled": true}, {"enabled": false}]}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate(some, """{"keys": [{"enabled": true}, {"enabled": false}]}""").Status);
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate(some, """{"keys": []}""").Status);
        Assert.Equal(EvaluationStatus.Unknown, TestResources.Evaluate(every, """{"keys": [{"enabled": true}, {}]}""").Status);
    }

    [Fact]
    public void Evaluate_StringOperators()
    {
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("in: { attribute: tls, values: [TLS1_2, TLS1_3] }", """{"tls": "TLS1_2"}""").Status);
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate("in: { attribute: tls, values: [TLS1_2, TLS1_3] }", """{"tls": "TLS1_0"}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("matches: { attribute: name, pattern: '^prod-' }", """{"name": "prod-x"}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("contains: { attribute: members, value: allUsers }", """{"members": ["user:a", "allUsers"]}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("equals: { attribute: state, value: enabled, ignore-case: true }", """{"state": "Enabled"}""").Status);
        Assert.Equal(EvaluationStatus.Pass, TestResources.Evaluate("cidr-within: { attribute: cidrs, ranges: [10.0.0.0/8] }", """{"cidrs": ["10.1.0.0/16", "10.2.3.4"]}""").Status);
        Assert.Equal(EvaluationStatus.Fail, TestResources.Evaluate("cidr-within: { attribute: cidrs, ranges: [10.0.0.0/8] }", """{"cidrs": ["10.1.0.0/16", "8.8.8.8/32"]}""").Status);
    }

    [Fact]
    public void Evaluate_WhenFalse_SkipsTheResource()
    {
        var control = TestResources.Control(EqualsTrue, "when:\n  equals: { attribute: kind, value: functionapp }");
        var compiled = CompiledControl.Compile(control);
        var evaluator = new Evaluator([compiled], TestResources.Now);
        Assert.Null(evaluator.Evaluate(compiled, TestResources.Resource("""{"kind": "app", "encryption.enabled": false}""")));
        Assert.Equal(EvaluationStatus.Fail, evaluator.Evaluate(compiled, TestResources.Resource("""{"kind": "functionapp", "encryption.enabled": false}"""))!.Status);
    }

    [Fact]
    public void Evaluate_ThrowingControl_IsErrorAndOthersStillRun()
    {
        // A regex that times out stands for any control that throws at evaluation time.
        var bad = CompiledControl.Compile(TestResources.Control("matches: { attribute: name, pattern: '^(a+)+$' }"));
        var good = CompiledControl.Compile(TestResources.Control(EqualsTrue));
        var resource = TestResources.Resource($$"""{"name": "{{new string('a', 50000)}}!", "encryption.enabled": true}""");
        var results = new Evaluator([bad, good], TestResources.Now).Evaluate(resource).ToList();
        Assert.Equal(2, results.Count);
        Assert.Equal(EvaluationStatus.Error, results[0].Status);
        Assert.Contains("Timeout", results[0].Message, StringComparison.Ordinal);
        Assert.Equal(EvaluationStatus.Pass, results[1].Status);
    }

    [Fact]
    public void Fingerprint_AzureIdsAreCaseInsensitive()
    {
        var upper = Fingerprints.Compute("c", Core.Inventory.Provider.Azure, "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Storage/storageAccounts/X");
        var lower = Fingerprints.Compute("c", Core.Inventory.Provider.Azure, "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/x");
        Assert.Equal(upper, lower);
        Assert.NotEqual(Fingerprints.Compute("c", Core.Inventory.Provider.Aws, "arn:aws:s3:::X"), Fingerprints.Compute("c", Core.Inventory.Provider.Aws, "arn:aws:s3:::x"));
        Assert.Matches("^[0-9a-f]{64}$", upper);
    }

    /// <summary>DECISIONS 7: lowercase hex SHA-256 of <c>control|provider|identity</c>; stored findings and suppressions depend on it never changing.</summary>
    [Theory]
    [InlineData("s3-bucket-encrypted", "arn:aws:s3:::b")]
    [InlineData("storage-encrypted", "bucket-ünïcode-☃")]
    [InlineData("c", null)]
    public void Fingerprint_IsSha256OfControlProviderAndIdentity(string control, string? id)
    {
        id ??= "arn:aws:s3:::" + new string('x', 3_000); // more than the stack buffer
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{control}|aws|{id}")));
        Assert.Equal(expected, Fingerprints.Compute(control, Core.Inventory.Provider.Aws, id));
    }
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Tests;

/// <summary>Builds controls from YAML text and resources from attribute JSON, for evaluator tests.</summary>
internal static class TestResources
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static ControlDefinition Control(string check, string? extra = null, string resourceType = "object_storage.bucket")
    {
        var yaml = $"""
            id: test-control
            title: Test control
            severity: high
            resource-type: {resourceType}
            nist-800-53-r5: [SC-28]
            description: d
            remediation: r
            {extra}
            check:
            {Indent(check)}
            """;
        var (control, errors) = new ControlLoader(NistCatalog.Embedded).Load("data-protection/test-control.yaml", yaml);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return control!;
    }

    public static Resource Resource(string attributesJson, Provider provider = Provider.Aws, string type = "object_storage.bucket", string id = "arn:aws:s3:::b")
    {
        var attributes = JObject.Parse(attributesJson).Properties().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        return new Resource
        {
            Provider = provider,
            Account = "123456789012",
            Region = "us-east-1",
            Type = type,
            NativeType = "AWS::S3::Bucket",
            Id = id,
            Name = "b",
            Tags = new Dictionary<string, string>(),
            Attributes = attributes,
            Raw = new RawAsset { Provider = provider, Scope = "test", NativeType = "AWS::S3::Bucket", NativeId = id, Account = "123456789012", Region = "us-east-1", Data = [] },
        };
    }

    public static Core.Evaluation.Evaluation Evaluate(string check, string attributesJson, string? extra = null)
    {
        var compiled = CompiledControl.Compile(Control(check, extra));
        var evaluation = new Evaluator([compiled], Now).Evaluate(compiled, Resource(attributesJson));
        Assert.NotNull(evaluation);
        return evaluation;
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select(l => "  " + l));
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;

namespace PostureScanner.Core.Tests.Mapping;

public sealed class NormalizerTests
{
    private const string Mapping = """
        type: network.firewall
        sources:
          - native-type: AWS::EC2::SecurityGroup
            attributes:
              ingress_rules:
                expr: "configuration.ipPermissions[].{protocol: ipProtocol, port_ranges: port_ranges(fromPort), internet: is_internet(ipv4Ranges[].cidrIp)}"
                type: list
              rule_count: { expr: "length(configuration.ipPermissions)", type: number }
              described: { expr: "configuration.description && (configuration.description != '')", type: boolean }
              created: { expr: "configurationItemCaptureTime", type: datetime }
        """;

    private static Normalizer Create()
    {
        var (mapping, errors) = new MappingLoader(new ExpressionCompiler()).Load("aws/network.firewall.yaml", Mapping);
        Assert.Empty(errors);
        return new Normalizer(new MappingSet([mapping!]));
    }

    private static RawAsset Asset(string json) => new()
    {
        Provider = Provider.Aws, Scope = "t", NativeType = "aws::ec2::securitygroup", NativeId = "arn:aws:ec2:us-east-1:1:security-group/sg-1",
        Account = "1", Region = "us-east-1", Data = JObject.Parse(json),
    };

    [Fact]
    public void Normalize_UsesCustomFunctionsAndCoercesTypes()
    {
        var resource = Assert.Single(Create().Normalize(Asset("""
            {"resourceName": "web", "tags": {"env": "prod"}, "configurationItemCaptureTime": 1502617462.927,
             "configuration": {"description": "x", "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22.0, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]}}
            """)));
        Assert.Equal("network.firewall", resource.Type);
        Assert.Equal("web", resource.Name);
        Assert.Equal("prod", resource.Tags["env"]);
        Assert.Equal(1.0, resource.Attributes["rule_count"].Value<double>());
        Assert.True(resource.Attributes["described"].Value<bool>());
        Assert.Equal("2017-08-13T09:44:22.9270000+00:00", resource.Attributes["created"].Value<string>());
        var rule = (JObject)resource.Attributes["ingress_rules"][0]!;
        Assert.Equal(22, rule["port_ranges"]![0]!["from"]!.Value<int>());
        Assert.True(rule["internet"]!.Value<bool>());
    }

    [Fact]
    public void Normalize_AbsentFieldGuarded_LeavesAttributeMissing()
    {
        var resource = Assert.Single(Create().Normalize(Asset("""{"configuration": {"ipPermissions": []}}""")));
        Assert.False(resource.Attributes.ContainsKey("described"));
        Assert.False(resource.Attributes.ContainsKey("created"));
        Assert.Equal("sg-1", resource.Name);
    }

    [Fact]
    public void Normalize_UnmappedNativeType_YieldsNothing()
    {
        Assert.Empty(Create().Normalize(Asset("{}") with { NativeType = "AWS::S3::Bucket" }));
    }

    [Fact]
    public void Load_BadJmesPathAndUnknownType_AreLocated()
    {
        var bad = Mapping.Replace("length(configuration.ipPermissions)", "length(configuration.ipPermissions", StringComparison.Ordinal)
            .Replace("type: boolean", "type: bool", StringComparison.Ordinal);
        var (mapping, errors) = new MappingLoader(new ExpressionCompiler()).Load("aws/network.firewall.yaml", bad);
        Assert.Null(mapping);
        Assert.Contains(errors, e => e.Field == "sources[0].attributes.rule_count.expr" && e.Problem.Contains("invalid JMESPath", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sources[0].attributes.described.type" && e.Line == 9);
    }

    [Fact]
    public void Load_TypeMustMatchFileNameAndProviderFolder()
    {
        var (_, errors) = new MappingLoader(new ExpressionCompiler()).Load("oracle/network.firewalls.yaml", Mapping);
        Assert.Contains(errors, e => e.Problem.Contains("mappings/aws", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "type" && e.Problem.Contains("network.firewalls", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"22\"", 22, 22)]
    [InlineData("\"1000-2000\"", 1000, 2000)]
    [InlineData("\"*\"", 0, 65535)]
    [InlineData("3389.0", 3389, 3389)]
    public void PortRanges_ParsesCloudSpellings(string value, int from, int to)
    {
        var result = JToken.Parse(new DevLab.JmesPath.JmesPath().Transform("{}", "`1`"));
        Assert.NotNull(result);
        var compiled = new ExpressionCompiler().Compile($"port_ranges(`{value}`)");
        var ranges = (JArray)compiled.Transform(new DevLab.JmesPath.Expressions.JmesPathArgument(new JObject())).AsJToken();
        Assert.Equal(from, ranges[0]!["from"]!.Value<int>());
        Assert.Equal(to, ranges[0]!["to"]!.Value<int>());
    }
}

using PostureScanner.Core.Content;
using PostureScanner.Testing;

namespace PostureScanner.Controls.Tests;

/// <summary>The editor schemas (docs/schemas/control.v1.json, mapping.v1.json) accept every shipped file, so they cannot drift from the loaders.</summary>
public sealed class ContentSchemaTests
{
    [Theory]
    [InlineData("controls", "control.v1.json")]
    [InlineData("mappings", "mapping.v1.json")]
    public async Task EveryFile_ValidatesAgainstItsEditorSchema(string folder, string schemaFile)
    {
        var schema = await JsonSchemaAssert.LoadAsync(RepoPaths.Combine("docs", "schemas", schemaFile));
        var files = Directory.EnumerateFiles(RepoPaths.Combine(folder), "*.yaml", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        var failures = new List<string>();
        foreach (var file in files)
        {
            var doc = ContentDocument.Parse(file, await File.ReadAllTextAsync(file));
            Assert.NotNull(doc.Root);
            var errors = JsonSchemaAssert.Validate(schema, YamlValues.ToJToken(doc.Root).ToString());
            failures.AddRange(errors.Select(e => $"{Path.GetRelativePath(RepoPaths.Root, file)}: {JsonSchemaAssert.Describe(e)}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task ControlSchema_RejectsAnUnknownOperator()
    {
        var schema = await JsonSchemaAssert.LoadAsync(RepoPaths.Combine("docs", "schemas", "control.v1.json"));
        const string json = """{"id":"x","title":"t","severity":"high","resource-type":"a.b","nist-800-53-r5":["SC-7"],"description":"d","remediation":"r","check":{"equal":{"attribute":"a","value":1}}}""";
        Assert.NotEmpty(JsonSchemaAssert.Validate(schema, json));
        Assert.Empty(JsonSchemaAssert.Validate(schema, json.Replace("\"equal\"", "\"equals\"", StringComparison.Ordinal)));
    }
}

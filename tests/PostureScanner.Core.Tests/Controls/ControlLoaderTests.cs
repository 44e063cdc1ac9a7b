using PostureScanner.Core.Catalog;
using PostureScanner.Core.Controls;

namespace PostureScanner.Core.Tests.Controls;

public sealed class ControlLoaderTests
{
    private const string Valid = """
        id: my-control
        title: T
        severity: high
        resource-type: object_storage.bucket
        nist-800-53-r5: [SC-28, AC-2(1), sc-7.4]
        description: d
        remediation: r
        check:
          equals: { attribute: encryption.enabled, value: true }
        """;

    private static (ControlDefinition? Control, IReadOnlyList<Core.Content.ContentError> Errors) Load(string yaml, string path = "data-protection/my-control.yaml") =>
        new ControlLoader(NistCatalog.Embedded).Load(path, yaml);

    [Fact]
    public void Load_ValidControl_NormalizesNistIdsToCatalogForm()
    {
        var (control, errors) = Load(Valid);
        Assert.Empty(errors);
        Assert.Equal(["sc-28", "ac-2.1", "sc-7.4"], control!.Nist);
        Assert.Equal("data-protection", control.Domain);
        Assert.Equal(["encryption.enabled"], control.AttributesRead);
    }

    [Fact]
    public void Load_UnknownNistId_NamesFileLineAndField()
    {
        var (control, errors) = Load(Valid.Replace("AC-2(1)", "AC-99", StringComparison.Ordinal));
        Assert.Null(control);
        var error = Assert.Single(errors);
        Assert.Equal("data-protection/my-control.yaml", error.File);
        Assert.Equal(5, error.Line);
        Assert.Equal("nist-800-53-r5[1]", error.Field);
        Assert.Contains("AC-99", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithdrawnNistId_IsRejected()
    {
        var (_, errors) = Load(Valid.Replace("AC-2(1)", "AC-2(10)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Problem.Contains("withdrawn", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownKeyAndOperator_AreBothReportedWithLines()
    {
        var yaml = Valid.Replace("check:\n  equals:", "colour: red\ncheck:\n  equal:", StringComparison.Ordinal);
        var (_, errors) = Load(yaml);
        Assert.Contains(errors, e => e.Field == "colour" && e.Line == 8);
        Assert.Contains(errors, e => e.Field == "check.equal" && e.Problem.StartsWith("unknown operator", StringComparison.Ordinal) && e.Line == 10);
    }

    [Fact]
    public void Load_IdDifferentFromFileName_IsRejected()
    {
        var (_, errors) = Load(Valid, "data-protection/other-name.yaml");
        Assert.Contains(errors, e => e.Field == "id" && e.Problem.Contains("other-name", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingRequiredFieldsAndBadSeverity_AreAllReported()
    {
        var yaml = "id: my-control\nseverity: urgent\nresource-type: Bucket\ncheck:\n  exists: x\n";
        var (_, errors) = Load(yaml);
        Assert.Contains(errors, e => e.Field == "title");
        Assert.Contains(errors, e => e.Field == "severity" && e.Line == 2);
        Assert.Contains(errors, e => e.Field == "resource-type");
        Assert.Contains(errors, e => e.Field == "nist-800-53-r5");
        Assert.Contains(errors, e => e.Field == "description");
    }

    [Fact]
    public void Load_UndeclaredParameter_IsRejected()
    {
        var yaml = Valid.Replace("equals: { attribute: encryption.enabled, value: true }", "greater-than: { attribute: days, value: { param: nope } }", StringComparison.Ordinal);
        var (_, errors) = Load(yaml);
        Assert.Contains(errors, e => e.Problem.Contains("parameter 'nope' is not declared", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InvalidYaml_ReportsPosition()
    {
        var (_, errors) = Load("id: [unclosed\n");
        var error = Assert.Single(errors);
        Assert.StartsWith("invalid YAML", error.Problem, StringComparison.Ordinal);
        Assert.True(error.Line >= 1);
        Assert.StartsWith("data-protection/my-control.yaml:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateIdViaAlias_IsRejected()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "d"));
            File.WriteAllText(Path.Combine(dir.FullName, "d", "my-control.yaml"), Valid);
            File.WriteAllText(Path.Combine(dir.FullName, "d", "second.yaml"), Valid.Replace("id: my-control", "id: second\naliases: [my-control]", StringComparison.Ordinal));
            var (_, errors) = new ControlLoader(NistCatalog.Embedded).Validate(Core.Content.ContentSource.Directory(dir.FullName));
            Assert.Contains(errors, e => e.Problem.Contains("'my-control' is already used", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using PostureScanner.Core.Catalog;
using PostureScanner.Core.Content;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Coverage;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;
using PostureScanner.Testing;

namespace PostureScanner.Controls.Tests;

/// <summary>
/// Meta-lint over controls/, mappings/ and the fixtures (Custodian PolicyMetaLint, policy-library
/// check_sample_files, DevSkim's count check): each rule fails the build.
/// </summary>
public sealed class ContentMetaTests
{
    [Fact]
    public void Controls_OnDisk_AllLoadWithoutErrors()
    {
        var (_, errors) = new ControlLoader(NistCatalog.Embedded).Validate(ContentSource.Directory(RepoPaths.Combine("controls")));
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Mappings_OnDisk_AllLoadWithoutErrors()
    {
        var set = new MappingLoader(new ExpressionCompiler()).LoadAll(ContentSource.Directory(RepoPaths.Combine("mappings")));
        Assert.NotEmpty(set.Mappings);
    }

    [Fact]
    public void EmbeddedContent_CountEqualsFilesOnDisk()
    {
        var controlsOnDisk = Directory.EnumerateFiles(RepoPaths.Combine("controls"), "*.yaml", SearchOption.AllDirectories).Count();
        var mappingsOnDisk = Directory.EnumerateFiles(RepoPaths.Combine("mappings"), "*.yaml", SearchOption.AllDirectories).Count();
        Assert.Equal(controlsOnDisk, ContentFixture.Controls.Controls.Count);
        Assert.Equal(mappingsOnDisk, ContentFixture.Mappings.Mappings.Count);
    }

    [Fact]
    public void EveryAutomatedCell_HasPassAndFailFixtures()
    {
        var coverage = CoverageMatrix.Compute(ContentFixture.Controls, ContentFixture.Mappings);
        var fixtures = ContentFixture.Fixtures().ToList();
        var missing = new List<string>();
        foreach (var row in coverage.Rows)
        {
            foreach (var (provider, status) in row.Providers)
            {
                if (status != CoverageStatus.Automated)
                {
                    continue;
                }

                foreach (var kind in new[] { "pass", "fail" })
                {
                    if (!fixtures.Any(f => f.Control == row.Control.Id && f.Provider == provider.ToName() && f.File.Split('-', '.')[0] == kind))
                    {
                        missing.Add($"{row.Control.Id}/{provider.ToName()}/{kind}*.json");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, "automated controls without fixtures:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryMappedProvider_IsAutomatedOrSaysWhyNot()
    {
        // A control whose resource type is mapped on a cloud but whose attributes that mapping
        // does not produce would silently be "unknown" everywhere: it must be fixed or marked manual.
        var coverage = CoverageMatrix.Compute(ContentFixture.Controls, ContentFixture.Mappings);
        var gaps = coverage.Rows
            .SelectMany(r => r.Providers.Where(p => p.Value == CoverageStatus.None && ContentFixture.Mappings.Find(p.Key, r.Control.ResourceType) is not null)
                .Select(p => $"{r.Control.Id} on {p.Key.ToName()}: {r.Reasons[p.Key]}"))
            .ToList();
        Assert.True(gaps.Count == 0, string.Join("\n", gaps));
    }

    [Fact]
    public void EveryFixtureFolder_NamesAControl_AndAProvider()
    {
        var orphans = ContentFixture.Fixtures()
            .Where(f => ContentFixture.Controls.Find(f.Control) is null || !ProviderNames.TryParse(f.Provider, out _))
            .Select(f => $"{f.Control}/{f.Provider}/{f.File}")
            .ToList();
        Assert.True(orphans.Count == 0, string.Join("\n", orphans));
    }

    [Fact]
    public void EveryFixture_IsIndexedWithItsRealSource()
    {
        var indexed = File.ReadAllLines(Path.Combine(ContentFixture.FixturesRoot, "INDEX.tsv")).Skip(1)
            .Select(l => l.Split('\t')).ToDictionary(c => c[0], c => c);
        var missing = ContentFixture.Fixtures().Select(f => $"{f.Control}/{f.Provider}/{f.File}").Where(f => !indexed.ContainsKey(f)).ToList();
        Assert.True(missing.Count == 0, "fixtures not produced by scripts/fixtures/build_fixtures.py:\n" + string.Join("\n", missing));
        Assert.All(indexed.Values, row => Assert.False(string.IsNullOrEmpty(row[2]), $"{row[0]} has no source repository"));
    }

    [Fact]
    public void EveryMappingSource_IsExercisedByAFixture()
    {
        var nativeTypes = ContentFixture.Fixtures()
            .Select(f => Path.Combine(ContentFixture.FixturesRoot, f.Control, f.Provider, f.File))
            .Select(p => (Provider: p.Split(Path.DirectorySeparatorChar)[^2], Text: File.ReadAllText(p)))
            .ToList();
        var unexercised = ContentFixture.Mappings.Mappings
            .SelectMany(m => m.Sources.Select(s => (m, s)))
            .Where(x => !nativeTypes.Any(n => n.Provider == x.m.Provider.ToName() && n.Text.Contains($"\"{x.s.NativeType}\"", StringComparison.OrdinalIgnoreCase)))
            .Select(x => $"{x.m.File}: {x.s.NativeType}")
            .ToList();
        Assert.True(unexercised.Count == 0, "mapping sources no fixture (real record) runs through:\n" + string.Join("\n", unexercised));
    }
}

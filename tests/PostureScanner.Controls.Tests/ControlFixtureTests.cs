using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Mapping;

namespace PostureScanner.Controls.Tests;

/// <summary>Every fixture runs reader → mapping → evaluator and must give the status its file name states.</summary>
public sealed class ControlFixtureTests
{
    private static readonly DateTimeOffset ScanTime = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string> AllFixtures()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (control, provider, file) in ContentFixture.Fixtures())
        {
            data.Add(control, provider, file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public async Task Fixture_EvaluatesToTheStatusInItsName(string controlId, string provider, string file)
    {
        var control = ContentFixture.Controls.Find(controlId);
        Assert.True(control is not null, $"fixture folder {controlId} names no control");
        var expected = file.Split('-', '.')[0];
        Assert.True(Vocabulary.TryParseStatus(expected, out var expectedStatus), $"{file}: name must start with pass, fail, unknown or error");

        var (assets, inputs) = await ContentFixture.ReadAsync(Path.Combine(ContentFixture.FixturesRoot, controlId, provider, file));
        Assert.True(inputs.All(i => i.Error is null), string.Join("; ", inputs.Select(i => i.Error)));
        var asset = Assert.Single(assets);
        Assert.Equal(provider, asset.Provider.ToName());

        var normalizer = new Normalizer(ContentFixture.Mappings);
        var resource = normalizer.Normalize(asset).SingleOrDefault(r => r.Type == control.ResourceType);
        Assert.True(resource is not null, $"{asset.NativeType} does not map to {control.ResourceType} on {provider}");

        var compiled = CompiledControl.Compile(control);
        var evaluation = new Evaluator([compiled], ScanTime).Evaluate(compiled, resource);
        Assert.True(evaluation is not null, $"{controlId}: the control's applicability (when) excluded this fixture");
        Assert.True(expectedStatus == evaluation.Status,
            $"{controlId}/{provider}/{file}: expected {expected}, got {evaluation.Status.ToName()} ({evaluation.Message}); evidence: {string.Join(", ", evaluation.Evidence.Select(e => $"{e.Key}={e.Value?.ToString(Newtonsoft.Json.Formatting.None) ?? "null"}"))}");

        // Evidence shows what was read: a result with nothing observed could not be explained to anyone.
        Assert.NotEmpty(evaluation.Evidence);
        if (expectedStatus == EvaluationStatus.Unknown)
        {
            Assert.False(string.IsNullOrEmpty(evaluation.Message), "an unknown result must name the missing attribute");
        }
    }
}

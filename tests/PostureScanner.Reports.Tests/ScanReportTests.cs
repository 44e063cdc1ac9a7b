using PostureScanner.Core.Evaluation;

namespace PostureScanner.Reports.Tests;

public class ScanReportTests
{
    [Fact]
    public void Create_MultiCloudEvaluations_CountsEveryStatus()
    {
        var report = ReportScenarios.MultiCloud(includePasses: false);

        Assert.Equal(new EvaluationCounts(Pass: 5, Fail: 4, Unknown: 2, Error: 1), report.Summary.Evaluations);
        Assert.Equal(12, report.Summary.Evaluations.Total);
        Assert.Equal(8, report.Summary.Resources);
        Assert.Equal(2, report.Summary.Excluded);
    }

    [Fact]
    public void Add_OneOfEachStatus_IncrementsThatStatus()
    {
        var counts = EvaluationCounts.Empty.Add(EvaluationStatus.Pass).Add(EvaluationStatus.Fail).Add(EvaluationStatus.Fail)
            .Add(EvaluationStatus.Unknown).Add(EvaluationStatus.Error);

        Assert.Equal(new EvaluationCounts(1, 2, 1, 1), counts);
    }
}

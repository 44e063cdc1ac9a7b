using PostureScanner.Aws.Snapshots;
using PostureScanner.Azure.Snapshots;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;
using PostureScanner.Core.Policy;
using PostureScanner.Core.Scanning;
using PostureScanner.Gcp.Snapshots;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// An offline scan of snapshot files: readers → normalizer → evaluator, streaming. Keeps only what
/// the report shows (non-passing results, or all with --include-passes), detached from the native
/// records so memory stays flat however large the input.
/// </summary>
internal static class SnapshotScan
{
    public static IReadOnlyList<ISnapshotFormat> Formats { get; } =
        [.. AwsSnapshotFormats.All, .. AzureSnapshotFormats.All, .. GcpSnapshotFormats.All];

    public static async Task<ScanOutcome> RunAsync(ScanContent content, ScanPolicy policy, IReadOnlyList<string> paths, bool includePasses, ScanProgress? progress, TimeProvider time, CancellationToken cancellationToken)
    {
        var controls = policy.Compile(content.Controls, content.Catalog);
        var startedAt = time.GetUtcNow();
        var evaluator = new Evaluator(controls, startedAt);
        var pipeline = new ScanPipeline(new Core.Mapping.Normalizer(content.Mappings), evaluator, policy);
        var reader = new SnapshotReader(Formats);
        var results = new ResultSpool(controls);
        (Resource Source, Resource Detached)? last = null;
        await foreach (var evaluation in pipeline.RunAsync(reader.ReadAsync(paths, cancellationToken), cancellationToken))
        {
            if (includePasses || evaluation.Status != EvaluationStatus.Pass)
            {
                // Evaluations of one resource arrive together: detach the resource once for all of them.
                if (last is null || !ReferenceEquals(last.Value.Source, evaluation.Resource))
                {
                    last = (evaluation.Resource, Evaluation.DetachResource(evaluation.Resource));
                }

                results.Add(evaluation.Detach(last.Value.Detached));
            }

            progress?.Report(pipeline.Counters.Records, pipeline.Counters.Evaluations);
        }

        results.Complete();
        return new ScanOutcome(pipeline.Counters, reader.Inputs, controls, results, includePasses, startedAt, time.GetUtcNow());
    }
}

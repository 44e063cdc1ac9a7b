using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Evaluation;

/// <summary>One control on one resource: status, effective severity, and the observed values as evidence.</summary>
public sealed record Evaluation
{
    public required CompiledControl Control { get; init; }

    public required Resource Resource { get; init; }

    public required EvaluationStatus Status { get; init; }

    /// <summary>Attribute path to observed value (null when absent), in the order the check read them.</summary>
    public required IReadOnlyDictionary<string, JToken?> Evidence { get; init; }

    /// <summary>Why the result is unknown (the missing or mistyped attributes) or the error message.</summary>
    public string? Message { get; init; }

    public Severity Severity => Control.Severity;

    /// <summary>
    /// A copy that keeps what reports and the store need but not the native record: JMESPath
    /// results are nodes of the raw JSON tree, so retaining them would keep every record alive.
    /// Evidence values are cloned (parentless) for the same reason.
    /// </summary>
    public Evaluation Detach() => Detach(DetachResource(Resource));

    /// <summary>As <see cref="Detach()"/>, sharing an already detached copy of this evaluation's resource (one per resource, not per evaluation).</summary>
    public Evaluation Detach(Resource detachedResource) => this with
    {
        Resource = detachedResource,
        Evidence = Evidence.ToDictionary(e => e.Key, e => e.Value?.DeepClone(), StringComparer.Ordinal),
    };

    /// <summary>The resource without its native record and attribute values.</summary>
    public static Resource DetachResource(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource with
        {
            Attributes = EmptyAttributes,
            Raw = resource.Raw with { Data = [] },
        };
    }

    private static readonly IReadOnlyDictionary<string, JToken> EmptyAttributes = new Dictionary<string, JToken>();

    /// <summary>The stable finding id (DECISIONS 7).</summary>
    public string Fingerprint => Fingerprints.Compute(Control.Definition.Id, Resource.Provider, Resource.Id);
}

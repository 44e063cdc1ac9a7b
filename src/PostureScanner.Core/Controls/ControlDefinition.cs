using PostureScanner.Core.Controls.Conditions;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Controls;

/// <summary>A control as written in <c>controls/&lt;domain&gt;/&lt;id&gt;.yaml</c>.</summary>
public sealed record ControlDefinition
{
    public required string Id { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>The folder under <c>controls/</c> (e.g. <c>data-protection</c>).</summary>
    public required string Domain { get; init; }

    public required string ResourceType { get; init; }

    /// <summary>NIST SP 800-53 Rev 5 ids in catalog form (<c>ac-2.1</c>).</summary>
    public required IReadOnlyList<string> Nist { get; init; }

    public required string Description { get; init; }

    public required string Remediation { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<ControlParameter> Parameters { get; init; } = [];

    public Condition? When { get; init; }

    public required Condition Check { get; init; }

    /// <summary>Clouds whose inventory cannot provide the data, with the reason (coverage shows them as manual).</summary>
    public IReadOnlyDictionary<Provider, string> Manual { get; init; } = new Dictionary<Provider, string>();

    public required string File { get; init; }

    /// <summary>Top-level attributes the control reads (check and applicability).</summary>
    public IReadOnlySet<string> AttributesRead
    {
        get
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            Check.CollectAttributes(set);
            When?.CollectAttributes(set);
            return set;
        }
    }
}

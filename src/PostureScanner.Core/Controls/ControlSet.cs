namespace PostureScanner.Core.Controls;

/// <summary>The loaded control library, sorted by id.</summary>
public sealed class ControlSet
{
    public ControlSet(IEnumerable<ControlDefinition> controls)
    {
        Controls = controls.OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<ControlDefinition> Controls { get; }

    public ControlDefinition? Find(string idOrAlias) =>
        Controls.FirstOrDefault(c => c.Id == idOrAlias || c.Aliases.Contains(idOrAlias, StringComparer.Ordinal));
}

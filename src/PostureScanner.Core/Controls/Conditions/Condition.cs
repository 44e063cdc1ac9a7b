namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// A node of a control's declarative check, as parsed from YAML. <see cref="Compile"/> binds the
/// parameters once per scan and returns a delegate, so evaluating a resource re-parses nothing.
/// </summary>
public abstract record Condition
{
    /// <summary>1-based line of the node in its file, for error messages.</summary>
    public long Line { get; init; }

    /// <summary>Adds the attribute paths this node reads in the resource scope.</summary>
    public abstract void CollectAttributes(ISet<string> attributes);

    public abstract Func<EvaluationContext, Truth> Compile(CompileContext context);
}

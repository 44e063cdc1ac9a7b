namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>exists: path</c>: true when the attribute is present and not null.</summary>
public sealed record ExistsCondition(string Attribute) : Condition
{
    public override void CollectAttributes(ISet<string> attributes) => attributes.Add(Attribute);

    public override Func<EvaluationContext, Truth> Compile(CompileContext context)
    {
        var attribute = Attribute;
        return ctx => ctx.Read(attribute) is null ? Truth.False : Truth.True;
    }
}

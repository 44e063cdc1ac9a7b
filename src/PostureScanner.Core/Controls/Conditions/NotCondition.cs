namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>not</c>: swaps true and false; unknown stays unknown.</summary>
public sealed record NotCondition(Condition Child) : Condition
{
    public override void CollectAttributes(ISet<string> attributes) => Child.CollectAttributes(attributes);

    public override Func<EvaluationContext, Truth> Compile(CompileContext context)
    {
        var child = Child.Compile(context);
        return ctx => child(ctx) switch
        {
            Truth.True => Truth.False,
            Truth.False => Truth.True,
            _ => Truth.Unknown,
        };
    }
}

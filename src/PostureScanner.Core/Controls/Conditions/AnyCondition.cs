namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>any</c>: true if any child is true, else unknown if any is unknown, else false.</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Children) : Condition
{
    public override void CollectAttributes(ISet<string> attributes)
    {
        foreach (var c in Children)
        {
            c.CollectAttributes(attributes);
        }
    }

    public override Func<EvaluationContext, Truth> Compile(CompileContext context)
    {
        var children = Children.Select(c => c.Compile(context)).ToArray();
        return ctx =>
        {
            var result = Truth.False;
            foreach (var child in children)
            {
                switch (child(ctx))
                {
                    case Truth.True:
                        return Truth.True;
                    case Truth.Unknown:
                        result = Truth.Unknown;
                        break;
                }
            }

            return result;
        };
    }
}

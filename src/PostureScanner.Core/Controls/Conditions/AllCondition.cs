namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>all</c>: false if any child is false, else unknown if any is unknown, else true.</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Children) : Condition
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
            var result = Truth.True;
            foreach (var child in children)
            {
                switch (child(ctx))
                {
                    case Truth.False:
                        return Truth.False;
                    case Truth.Unknown:
                        result = Truth.Unknown;
                        break;
                }
            }

            return result;
        };
    }
}

using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// Base of the operators that read one attribute: reading it records evidence, and a missing
/// value is unknown (only <c>exists</c> treats absence as an answer).
/// </summary>
public abstract record AttributeCondition(string Attribute) : Condition
{
    public override void CollectAttributes(ISet<string> attributes) => attributes.Add(Attribute);

    public sealed override Func<EvaluationContext, Truth> Compile(CompileContext context)
    {
        var test = CompileTest(context);
        var attribute = Attribute;
        return ctx =>
        {
            var value = ctx.Read(attribute);
            return value is null ? ctx.Missing(attribute) : test(ctx, value);
        };
    }

    /// <summary>The test on a present value; return <see cref="EvaluationContext.WrongType"/> when it is of the wrong type.</summary>
    protected abstract Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context);

    protected static Truth Of(bool value) => value ? Truth.True : Truth.False;
}

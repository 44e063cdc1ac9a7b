using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>Numeric compare of an attribute with a number or parameter.</summary>
public sealed record CompareCondition(string Attribute, CompareOperator Operator, Operand Value) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var bound = context.Resolve(Value);
        if (!JsonValues.IsNumber(bound))
        {
            throw new InvalidOperationException($"comparison on {Attribute} needs a number, got {bound}");
        }

        var limit = bound.Value<double>();
        var op = Operator;
        var path = Attribute;
        return (ctx, actual) =>
        {
            if (!JsonValues.IsNumber(actual))
            {
                return ctx.WrongType(path, actual, "number");
            }

            var v = actual.Value<double>();
            return Of(op switch
            {
                CompareOperator.GreaterThan => v > limit,
                CompareOperator.GreaterOrEqual => v >= limit,
                CompareOperator.LessThan => v < limit,
                _ => v <= limit,
            });
        };
    }
}

using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>in: {attribute, values: [..], ignore-case?}</c>: the attribute equals one of the values.</summary>
public sealed record InCondition(string Attribute, Operand Values, bool IgnoreCase) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var values = context.Resolve(Values) as JArray ?? throw new InvalidOperationException($"'in' on {Attribute} needs a list of values");
        var path = Attribute;
        var ignoreCase = IgnoreCase;
        return (ctx, actual) =>
        {
            if (actual.Type is JTokenType.Array or JTokenType.Object)
            {
                return ctx.WrongType(path, actual, "scalar");
            }

            return Of(values.Any(v => JsonValues.SameKind(actual, v) && JsonValues.ValueEquals(actual, v, ignoreCase)));
        };
    }
}

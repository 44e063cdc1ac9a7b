using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>contains: {attribute, value}</c>: a list holds an element equal to value, or a string holds value as a substring.</summary>
public sealed record ContainsCondition(string Attribute, Operand Value, bool IgnoreCase) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var expected = context.Resolve(Value);
        var path = Attribute;
        var comparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var ignoreCase = IgnoreCase;
        return (ctx, actual) => actual.Type switch
        {
            JTokenType.Array => Of(actual.Children().Any(e => JsonValues.SameKind(e, expected) && JsonValues.ValueEquals(e, expected, ignoreCase))),
            JTokenType.String when expected.Type == JTokenType.String => Of(actual.Value<string>()!.Contains(expected.Value<string>()!, comparison)),
            _ => ctx.WrongType(path, actual, "list or string"),
        };
    }
}

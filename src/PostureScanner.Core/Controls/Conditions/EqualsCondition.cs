using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>equals: {attribute, value, ignore-case?}</c>. A value of another JSON type is unknown, not false.</summary>
public sealed record EqualsCondition(string Attribute, Operand Value, bool IgnoreCase) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var expected = context.Resolve(Value);
        var path = Attribute;
        var ignoreCase = IgnoreCase;
        return (ctx, actual) => JsonValues.SameKind(actual, expected)
            ? Of(JsonValues.ValueEquals(actual, expected, ignoreCase))
            : ctx.WrongType(path, actual, JsonValues.KindName(expected));
    }
}

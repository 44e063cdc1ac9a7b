using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>cidr-is-internet: path</c>: the address, or any address in the list, means "anyone".</summary>
public sealed record CidrIsInternetCondition(string Attribute) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var path = Attribute;
        return (ctx, actual) => actual.Type switch
        {
            JTokenType.String => Of(Cidr.IsInternet(actual.Value<string>()!)),
            JTokenType.Array => Of(actual.Children().Any(c => c.Type == JTokenType.String && Cidr.IsInternet(c.Value<string>()!))),
            _ => ctx.WrongType(path, actual, "CIDR string or list"),
        };
    }
}

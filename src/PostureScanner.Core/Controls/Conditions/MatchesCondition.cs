using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>matches: {attribute, pattern}</c>: a .NET regular expression (culture-invariant, 1 s timeout) matches the string.</summary>
public sealed record MatchesCondition(string Attribute, string Pattern) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var regex = new Regex(Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var path = Attribute;
        return (ctx, actual) => actual.Type == JTokenType.String
            ? Of(regex.IsMatch(actual.Value<string>()!))
            : ctx.WrongType(path, actual, "string");
    }
}

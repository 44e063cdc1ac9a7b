using System.Net;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary><c>cidr-within: {attribute, ranges}</c>: every address of the attribute lies inside one of the ranges.</summary>
public sealed record CidrWithinCondition(string Attribute, Operand Ranges) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var ranges = (context.Resolve(Ranges) as JArray ?? throw new InvalidOperationException($"cidr-within on {Attribute} needs a list of ranges"))
            .Select(r => Cidr.TryParse(r.Value<string>() ?? "", out var n) ? n : throw new InvalidOperationException($"'{r}' is not a CIDR range"))
            .ToArray();
        var path = Attribute;
        return (ctx, actual) =>
        {
            var values = actual is JArray a ? a.Children().ToList() : [actual];
            var networks = new List<IPNetwork>();
            foreach (var v in values)
            {
                if (v.Type != JTokenType.String || !Cidr.TryParse(v.Value<string>()!, out var n))
                {
                    return ctx.WrongType(path, v, "CIDR");
                }

                networks.Add(n);
            }

            return Of(networks.All(n => ranges.Any(r => Cidr.IsWithin(n, r))));
        };
    }
}

using Newtonsoft.Json.Linq;
using PostureScanner.Core.Mapping.Functions;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// <c>ports-include: {attribute, ports}</c>: the attribute (a list of <c>{from, to}</c> ranges as made by
/// <c>port_ranges()</c>, or port strings/numbers) opens at least one of the given ports.
/// </summary>
public sealed record PortsIncludeCondition(string Attribute, Operand Ports) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var resolved = context.Resolve(Ports);
        var ports = JsonValues.Items(resolved)
            .Select(p => JsonValues.IsNumber(p) ? p.Value<int>() : throw new InvalidOperationException($"ports-include on {Attribute} needs numbers, got {p}"))
            .ToArray();
        var path = Attribute;
        return (ctx, actual) =>
        {
            var ranges = new List<(int From, int To)>();
            foreach (var item in JsonValues.Items(actual))
            {
                if (item is JObject o && JsonValues.IsNumber(o["from"] ?? JValue.CreateNull()) && JsonValues.IsNumber(o["to"] ?? JValue.CreateNull()))
                {
                    ranges.Add((o["from"]!.Value<int>(), o["to"]!.Value<int>()));
                }
                else if (PortRangesFunction.Parse(item) is { } r)
                {
                    ranges.Add(r);
                }
                else
                {
                    return ctx.WrongType(path, item, "port range");
                }
            }

            return Of(ranges.Any(r => ports.Any(p => p >= r.From && p <= r.To)));
        };
    }
}

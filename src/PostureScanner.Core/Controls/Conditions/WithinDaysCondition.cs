using Newtonsoft.Json.Linq;
using PostureScanner.Core.Mapping;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// <c>within-days: {attribute, days}</c>: the timestamp is no older than <c>days</c> at scan time
/// (age compares: "key rotated in the last 90 days"; <c>not</c> gives "older than").
/// </summary>
public sealed record WithinDaysCondition(string Attribute, Operand Days) : AttributeCondition(Attribute)
{
    protected override Func<EvaluationContext, JToken, Truth> CompileTest(CompileContext context)
    {
        var days = context.Resolve(Days);
        if (!JsonValues.IsNumber(days))
        {
            throw new InvalidOperationException($"within-days on {Attribute} needs a number of days, got {days}");
        }

        var limit = TimeSpan.FromDays(days.Value<double>());
        var path = Attribute;
        return (ctx, actual) =>
        {
            if (!Timestamps.TryParse(actual, out var at))
            {
                return ctx.WrongType(path, actual, "timestamp");
            }

            if (ctx.Now - at > limit)
            {
                return Truth.False;
            }

            ctx.Horizon?.Limit(at + limit);
            return Truth.True;
        };
    }
}

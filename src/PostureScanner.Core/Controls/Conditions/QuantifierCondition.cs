using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>
/// <c>none|every|some: {attribute, where}</c> over a list attribute; <c>where</c> reads paths
/// relative to each element. On failure the evidence holds the elements that decided it.
/// </summary>
public sealed record QuantifierCondition(QuantifierKind Kind, string Attribute, Condition Where) : Condition
{
    public override void CollectAttributes(ISet<string> attributes) => attributes.Add(Attribute);

    public override Func<EvaluationContext, Truth> Compile(CompileContext context)
    {
        var where = Where.Compile(context);
        var kind = Kind;
        var path = Attribute;
        return ctx =>
        {
            var value = ctx.Read(path);
            if (value is null)
            {
                return ctx.Missing(path);
            }

            if (value is not JArray list)
            {
                return ctx.WrongType(path, value, "list");
            }

            // Plain lists: JArray.Add would deep-clone every element that already has a parent.
            var matched = new List<JToken>();
            var unmatched = new List<JToken>();
            var unknown = false;
            foreach (var element in list)
            {
                switch (where(ctx.ForElement(element)))
                {
                    case Truth.True: matched.Add(element); break;
                    case Truth.False: unmatched.Add(element); break;
                    default: unknown = true; break;
                }
            }

            var result = kind switch
            {
                QuantifierKind.None => matched.Count > 0 ? Truth.False : unknown ? Truth.Unknown : Truth.True,
                QuantifierKind.Every => unmatched.Count > 0 ? Truth.False : unknown ? Truth.Unknown : Truth.True,
                _ => matched.Count > 0 ? Truth.True : unknown ? Truth.Unknown : Truth.False,
            };

            if (result == Truth.False && ctx.Evidence is not null && kind != QuantifierKind.Some)
            {
                ctx.Evidence[path] = new JArray((kind == QuantifierKind.None ? matched : unmatched).Select(e => e.DeepClone()));
            }

            return result;
        };
    }
}

using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Controls.Conditions;

/// <summary>A literal value or a reference to a control parameter (<c>{param: max-age-days}</c>).</summary>
public sealed record Operand(JToken? Literal, string? ParameterName)
{
    public static Operand Of(JToken literal) => new(literal, null);

    public static Operand Param(string name) => new(null, name);
}

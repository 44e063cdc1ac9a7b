using System.Globalization;
using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping.Functions;

/// <summary><c>lower(value)</c>: lowercase of a string (Azure returns the same enum value in several casings).</summary>
internal sealed class LowerFunction : JmesPathFunction
{
    public LowerFunction()
        : base("lower", 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var value = args[0].Token;
        return value?.Type == JTokenType.String
            ? new JValue(value.Value<string>()!.ToLower(CultureInfo.InvariantCulture))
            : JValue.CreateNull();
    }
}

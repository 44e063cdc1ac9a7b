using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping.Functions;

/// <summary><c>split(value, separator)</c>: the parts of a string (ids such as ARNs and ARM ids).</summary>
internal sealed class SplitFunction : JmesPathFunction
{
    public SplitFunction()
        : base("split", 2)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var value = args[0].Token;
        var separator = args[1].Token;
        if (value?.Type != JTokenType.String || separator?.Type != JTokenType.String)
        {
            return JValue.CreateNull();
        }

        return new JArray(value.Value<string>()!.Split(separator.Value<string>()!));
    }
}

using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;

namespace PostureScanner.Core.Mapping.Functions;

/// <summary>
/// <c>is_internet(value)</c>: true when a source/destination (a string or a list of them) means
/// "anyone": <c>0.0.0.0/0</c>, <c>::/0</c>, <c>*</c>, Azure's <c>Internet</c> service tag, <c>any</c>.
/// </summary>
internal sealed class IsInternetFunction : JmesPathFunction
{
    public IsInternetFunction()
        : base("is_internet", 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var value = args[0].Token;
        if (value is null || value.Type == JTokenType.Null)
        {
            return JValue.CreateNull();
        }

        var items = Controls.Conditions.JsonValues.Items(value);
        return new JValue(items.Any(i => i.Type == JTokenType.String && Cidr.IsInternet(i.Value<string>()!)));
    }
}

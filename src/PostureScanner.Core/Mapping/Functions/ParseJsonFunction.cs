using DevLab.JmesPath.Functions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PostureScanner.Core.Mapping.Functions;

/// <summary>
/// <c>parse_json(value)</c>: decodes a JSON document held in a string (IAM policy documents,
/// URL-encoded or not). Non-strings pass through; undecodable text gives null, so the
/// attribute is missing and the control reports unknown rather than guessing.
/// </summary>
internal sealed class ParseJsonFunction : JmesPathFunction
{
    public ParseJsonFunction()
        : base("parse_json", 1)
    {
    }

    public override JToken Execute(params JmesPathFunctionArgument[] args)
    {
        var value = args[0].Token;
        if (value is null || value.Type != JTokenType.String)
        {
            return value ?? JValue.CreateNull();
        }

        var text = value.Value<string>()!.Trim();
        if (text.StartsWith('%'))
        {
            text = Uri.UnescapeDataString(text);
        }

        try
        {
            return JToken.Parse(text);
        }
        catch (JsonReaderException)
        {
            return JValue.CreateNull();
        }
    }
}

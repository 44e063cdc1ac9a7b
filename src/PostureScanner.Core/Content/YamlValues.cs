using System.Globalization;
using Newtonsoft.Json.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PostureScanner.Core.Content;

/// <summary>Turns YAML literals into JSON values with the YAML 1.2 core schema (plain true/false/numbers/null are typed; quoted scalars are strings).</summary>
public static class YamlValues
{
    public static JToken ToJToken(YamlNode node) => node switch
    {
        YamlScalarNode scalar => Scalar(scalar),
        YamlSequenceNode seq => new JArray(seq.Children.Select(ToJToken)),
        YamlMappingNode map => new JObject(map.Children.Select(kv => new JProperty(((YamlScalarNode)kv.Key).Value ?? "", ToJToken(kv.Value)))),
        _ => JValue.CreateNull(),
    };

    private static JValue Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return new JValue(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return JValue.CreateNull();
            case "true" or "True" or "TRUE":
                return new JValue(true);
            case "false" or "False" or "FALSE":
                return new JValue(false);
        }

        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return new JValue(l);
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return new JValue(d);
        }

        return new JValue(value);
    }
}

using System.Globalization;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Aws.Snapshots;

/// <summary>
/// Puts an AWS Config configuration item from any delivery channel (API, S3 snapshot, advanced
/// query row, SNS/EventBridge) into the canonical API form of docs/canonical-records.md: channel
/// key names renamed, <c>configuration</c> decoded, JSON (and URL-encoded JSON) held in strings
/// inside <c>configuration</c>/<c>supplementaryConfiguration</c> decoded, <c>tags</c> as a map.
/// Numbers are left exactly as read (<c>22.0</c> stays a float).
/// </summary>
public static class AwsConfigItemCanonicalizer
{
    private static readonly (string From, string To)[] ChannelRenames =
    [
        ("ARN", "arn"),
        ("awsAccountId", "accountId"),
        ("configurationItemVersion", "version"),
        ("configurationStateMd5Hash", "configurationItemMD5Hash"),
        ("configurationStateID", "configurationStateId"),
        ("availibilityZone", "availabilityZone"),
    ];

    /// <summary>Canonicalizes <paramref name="item"/> in place and returns it.</summary>
    public static JObject Canonicalize(JObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        foreach (var (from, to) in ChannelRenames)
        {
            if (item.Property(from, StringComparison.Ordinal) is not { } property)
            {
                continue;
            }

            if (item.Property(to, StringComparison.Ordinal) is null)
            {
                property.Replace(new JProperty(to, property.Value));
            }
            else
            {
                property.Remove();
            }
        }

        if (item.Property("configuration", StringComparison.Ordinal) is { } configuration)
        {
            // API form: the whole configuration is a JSON string ("null" for deleted resources).
            if (configuration.Value is JValue { Type: JTokenType.String } text && SnapshotJson.TryParse(text.Value<string>()!) is { } parsed and not JValue { Type: JTokenType.String })
            {
                configuration.Value = parsed;
            }

            configuration.Value = SnapshotJson.DecodeEmbeddedDocuments(configuration.Value);
        }

        if (item.Property("supplementaryConfiguration", StringComparison.Ordinal) is { } supplementary)
        {
            supplementary.Value = SnapshotJson.DecodeEmbeddedDocuments(supplementary.Value);
        }

        if (item.Property("tags", StringComparison.Ordinal) is { } tags)
        {
            var value = tags.Value is JValue { Type: JTokenType.String } s && SnapshotJson.TryDecodeDocument(s.Value<string>()!) is { } decoded ? decoded : tags.Value;
            if (value is JArray list && ToTagMap(list) is { } map)
            {
                tags.Value = map;
            }
            else if (!ReferenceEquals(value, tags.Value))
            {
                tags.Value = value;
            }
        }

        return item;
    }

    /// <summary>
    /// Canonicalizes the item and wraps it as a <see cref="RawAsset"/>. Throws
    /// <see cref="SnapshotFormatException"/> when it has no <c>resourceType</c> (an advanced-query row that
    /// did not select it cannot be typed, and the type is never guessed) or neither <c>arn</c> nor <c>resourceId</c>.
    /// </summary>
    public static RawAsset ToRawAsset(JObject item)
    {
        Canonicalize(item);
        var type = Text(item, "resourceType")
            ?? throw new SnapshotFormatException("no resourceType, so the record cannot be typed (an advanced query must select resourceType)");
        var id = Text(item, "arn") ?? Text(item, "resourceId")
            ?? throw new SnapshotFormatException("neither arn nor resourceId, so the record cannot be identified (an advanced query must select arn or resourceId)");
        var account = Text(item, "accountId") ?? "";
        var region = Text(item, "awsRegion") ?? "global";
        return new RawAsset
        {
            Provider = Provider.Aws,
            Scope = $"aws/{(account.Length > 0 ? account : "unknown")}/{region}",
            NativeType = type,
            NativeId = id,
            Account = account,
            Region = region,
            Data = item,
        };
    }

    /// <summary><c>[{key,value}]</c>, <c>[{Key,Value}]</c>, <c>[{tagName,tagValue}]</c> (advanced query adds <c>tag</c>) as <c>{key: value}</c>; null when the list is something else.</summary>
    private static JObject? ToTagMap(JArray list)
    {
        var map = new JObject();
        foreach (var element in list)
        {
            if (element is not JObject tag
                || (tag["key"] ?? tag["Key"] ?? tag["tagName"]) is not JValue { Type: JTokenType.String } key)
            {
                return null;
            }

            map[key.Value<string>()!] = tag["value"] ?? tag["Value"] ?? tag["tagValue"] ?? JValue.CreateNull();
        }

        return map;
    }

    private static string? Text(JObject item, string name) =>
        item[name] is JValue { Type: JTokenType.String or JTokenType.Integer } value
        && Convert.ToString(value.Value, CultureInfo.InvariantCulture) is { Length: > 0 } text
            ? text
            : null;
}

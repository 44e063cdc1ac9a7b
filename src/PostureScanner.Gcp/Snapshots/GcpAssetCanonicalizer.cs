using System.Text;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Gcp.Snapshots;

/// <summary>
/// Puts a Cloud Asset Inventory asset into the canonical API (camelCase) form of
/// docs/canonical-records.md (GCP section): the snake_case keys of exports and feeds
/// (<c>asset_type</c>, <c>iam_policy</c>, <c>discovery_document_uri</c>, <c>audit_log_configs</c>, ...)
/// become camelCase everywhere except inside <c>resource.data</c>, which is the service's own REST
/// representation and is left untouched (int64 values stay strings).
/// </summary>
public static class GcpAssetCanonicalizer
{
    /// <summary>Canonicalizes <paramref name="asset"/> in place and returns it.</summary>
    public static JObject Canonicalize(JObject asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        CamelizeKeys(asset, isRoot: true);
        return asset;
    }

    /// <summary>An IAM-policy record of an asset (what <c>--content-type=iam-policy</c> exports): a policy and no resource.</summary>
    public static bool IsIamPolicyOnly(JObject asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return IsPresent(asset["iamPolicy"] ?? asset["iam_policy"]) && !IsPresent(asset["resource"]);
    }

    /// <summary>
    /// Wraps a canonical asset as a <see cref="RawAsset"/>. Throws <see cref="SnapshotFormatException"/>
    /// when it has no <c>name</c> or no <c>assetType</c>.
    /// </summary>
    public static RawAsset ToRawAsset(JObject asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var name = Text(asset["name"]) ?? throw new SnapshotFormatException("no name, so the asset cannot be identified");
        var type = Text(asset["assetType"]) ?? throw new SnapshotFormatException($"asset '{name}' has no assetType");
        var project = ProjectOf(asset);
        return new RawAsset
        {
            Provider = Provider.Gcp,
            Scope = $"gcp/{(project.Length > 0 ? project : "unknown")}",
            NativeType = type,
            NativeId = name,
            Account = project,
            Region = Text(asset["resource"]?["location"]) ?? "global",
            Data = asset,
        };
    }

    /// <summary>
    /// The project id: <c>projects/&lt;id&gt;</c> in the asset name when it is not a number, else
    /// <c>resource.data.projectId</c>, else the project number (from the name, <c>ancestors</c> or
    /// <c>resource.parent</c>); empty when the record says none (organizations, folders, some buckets).
    /// </summary>
    public static string ProjectOf(JObject asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var fromName = Text(asset["name"]) is { } name ? ProjectSegment(name) : null;
        if (fromName is not null && !IsNumber(fromName))
        {
            return fromName;
        }

        if (Text(asset["resource"]?["data"]?["projectId"]) is { } projectId)
        {
            return projectId;
        }

        if (fromName is not null)
        {
            return fromName;
        }

        if (asset["ancestors"] is JArray ancestors)
        {
            foreach (var ancestor in ancestors)
            {
                if (Text(ancestor) is { } text && ProjectSegment(text) is { } number)
                {
                    return number;
                }
            }
        }

        return Text(asset["resource"]?["parent"]) is { } parent && ProjectSegment(parent) is { } fromParent ? fromParent : "";
    }

    /// <summary><c>audit_log_configs</c> → <c>auditLogConfigs</c>; names without underscores, or starting with one, are unchanged.</summary>
    public static string ToCamelCase(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('_', StringComparison.Ordinal) || key.StartsWith('_'))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length);
        var upper = false;
        foreach (var c in key)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    private static void CamelizeKeys(JToken token, bool isRoot)
    {
        switch (token)
        {
            case JObject obj:
                foreach (var property in obj.Properties().ToList())
                {
                    var current = property;
                    var camel = ToCamelCase(property.Name);
                    if (!string.Equals(camel, property.Name, StringComparison.Ordinal) && obj.Property(camel, StringComparison.Ordinal) is null)
                    {
                        // Detach the value first so that the new property takes it without a deep copy.
                        var value = property.Value;
                        property.Value = JValue.CreateNull();
                        current = new JProperty(camel, value);
                        property.Replace(current);
                    }

                    if (isRoot && current.Name == "resource" && current.Value is JObject resource)
                    {
                        CamelizeResource(resource);
                    }
                    else
                    {
                        CamelizeKeys(current.Value, isRoot: false);
                    }
                }

                break;
            case JArray array:
                foreach (var item in array)
                {
                    CamelizeKeys(item, isRoot: false);
                }

                break;
        }
    }

    /// <summary>The resource envelope's own keys are converted; <c>data</c> (the service's representation) is not.</summary>
    private static void CamelizeResource(JObject resource)
    {
        foreach (var property in resource.Properties().ToList())
        {
            var current = property;
            var camel = ToCamelCase(property.Name);
            if (!string.Equals(camel, property.Name, StringComparison.Ordinal) && resource.Property(camel, StringComparison.Ordinal) is null)
            {
                var value = property.Value;
                property.Value = JValue.CreateNull();
                current = new JProperty(camel, value);
                property.Replace(current);
            }

            if (current.Name != "data")
            {
                CamelizeKeys(current.Value, isRoot: false);
            }
        }
    }

    /// <summary>The segment after <c>projects/</c> in a name, ancestor or parent, if any.</summary>
    private static string? ProjectSegment(string name)
    {
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(segments, "projects");
        return index >= 0 && index + 1 < segments.Length ? segments[index + 1] : null;
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static bool IsPresent(JToken? token) => token is not null && token.Type != JTokenType.Null;

    private static string? Text(JToken? token) =>
        token is JValue { Type: JTokenType.String } value && value.Value<string>() is { Length: > 0 } text ? text : null;
}

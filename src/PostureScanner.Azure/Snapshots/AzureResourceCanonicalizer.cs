using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Azure.Snapshots;

/// <summary>
/// Puts an ARM resource or Resource Graph row into the canonical form of docs/canonical-records.md
/// (Azure section): keys as ARM returns them, <c>type</c> derived from <c>id</c> when null or absent
/// (<c>diagnosticSettings</c> GET returns <c>"type": null</c>); the subscription comes from the id and the
/// region is the location lowercased without spaces.
/// </summary>
public static class AzureResourceCanonicalizer
{
    /// <summary>Canonicalizes <paramref name="resource"/> in place (fills a null or absent <c>type</c> from <c>id</c>) and returns it.</summary>
    public static JObject Canonicalize(JObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (Text(resource, "type") is null && Text(resource, "id") is { } id && TypeFromId(id) is { } type)
        {
            resource["type"] = type;
        }

        return resource;
    }

    /// <summary>
    /// Canonicalizes the resource and wraps it as a <see cref="RawAsset"/>. Throws
    /// <see cref="SnapshotFormatException"/> when it has no ARM id (a query that did not project
    /// <c>id</c> cannot be identified) or its type can be neither read nor derived.
    /// </summary>
    public static RawAsset ToRawAsset(JObject resource)
    {
        Canonicalize(resource);
        var id = Text(resource, "id")
            ?? throw new SnapshotFormatException("no id, so the resource cannot be identified (a Resource Graph query must project id)");
        if (!id.StartsWith('/'))
        {
            throw new SnapshotFormatException($"id '{id}' is not an ARM resource id (/subscriptions/... or /providers/...)");
        }

        var type = Text(resource, "type")
            ?? throw new SnapshotFormatException($"no type, and none can be derived from id '{id}'");
        var subscription = SubscriptionFromId(id) ?? Text(resource, "subscriptionId") ?? "";
        return new RawAsset
        {
            Provider = Provider.Azure,
            Scope = $"azure/{(subscription.Length > 0 ? subscription : "unknown")}",
            NativeType = type,
            NativeId = id,
            Account = subscription,
            Region = NormalizeRegion(resource["location"]),
            Data = resource,
        };
    }

    /// <summary>
    /// The resource type an ARM id names: the namespace after the last <c>providers</c> segment and
    /// every other segment after it (<c>.../providers/microsoft.insights/diagnosticSettings/x</c> →
    /// <c>microsoft.insights/diagnosticSettings</c>); subscriptions and resource groups themselves are
    /// <c>Microsoft.Resources/...</c>. Null when the id names none.
    /// </summary>
    public static string? TypeFromId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var providers = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (providers >= 0 && providers + 2 < segments.Length)
        {
            var types = new List<string> { segments[providers + 1] };
            for (var i = providers + 2; i < segments.Length; i += 2)
            {
                types.Add(segments[i]);
            }

            return string.Join('/', types);
        }

        if (providers < 0 && segments.Length >= 2 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            return segments.Length switch
            {
                2 => "Microsoft.Resources/subscriptions",
                4 when segments[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) => "Microsoft.Resources/resourceGroups",
                _ => null,
            };
        }

        return null;
    }

    /// <summary>The subscription id in an ARM id (<c>/subscriptions/&lt;id&gt;/...</c>), else null.</summary>
    public static string? SubscriptionFromId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2 && segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) ? segments[1] : null;
    }

    /// <summary><c>"Southeast Asia"</c> → <c>southeastasia</c>; null or empty → <c>global</c>.</summary>
    public static string NormalizeRegion(JToken? location)
    {
        if (location is not JValue { Type: JTokenType.String } value)
        {
            return "global";
        }

        var text = string.Concat(value.Value<string>()!.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
        return text.Length > 0 ? text : "global";
    }

    private static string? Text(JObject resource, string name) =>
        resource[name] is JValue { Type: JTokenType.String } value && value.Value<string>() is { Length: > 0 } text ? text : null;
}

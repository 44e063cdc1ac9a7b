using System.Net;

namespace PostureScanner.Core.Evaluation;

/// <summary>CIDR parsing and tests shared by the <c>is_internet</c> mapping function and the CIDR operators.</summary>
public static class Cidr
{
    private static readonly string[] InternetWords = ["*", "internet", "any", "0.0.0.0", "0.0.0.0/0", "::/0", "::"];

    /// <summary>True for the ways clouds say "any address": 0.0.0.0/0, ::/0, *, Internet, Any.</summary>
    public static bool IsInternet(string value) =>
        InternetWords.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase);

    public static bool TryParse(string value, out IPNetwork network)
    {
        var text = value.Trim();
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // Non-canonical CIDRs with host bits set (10.0.0.1/8) appear in real rules.
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPAddress.TryParse(text[..slash], out var host) && int.TryParse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var prefix))
        {
            var bytes = host.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i++)
            {
                var keep = Math.Clamp(prefix - (i * 8), 0, 8);
                bytes[i] &= (byte)(0xFF << (8 - keep));
            }

            network = new IPNetwork(new IPAddress(bytes), prefix);
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="inner"/> lies entirely inside <paramref name="outer"/>.</summary>
    public static bool IsWithin(IPNetwork inner, IPNetwork outer) =>
        inner.BaseAddress.AddressFamily == outer.BaseAddress.AddressFamily
        && inner.PrefixLength >= outer.PrefixLength
        && outer.Contains(inner.BaseAddress);
}

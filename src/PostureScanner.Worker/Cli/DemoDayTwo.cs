using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// Builds the demo's second day from the first, deterministically and from whatever the inventory holds:
/// the first scan's records and evaluations are watched (<see cref="DayOneHooks"/>), then
/// <see cref="Plan"/> picks, spreading over the clouds and in native-id order,
/// <list type="bullet">
/// <item>2 resources that fail more controls than a twin (same cloud and native type, fewest failures): <b>fixed</b>, their record gets that twin's configuration;</item>
/// <item>2 resources that fail fewer controls than a twin (same cloud and native type, most failures): <b>broken</b>, their record gets that twin's configuration;</item>
/// <item>2 other failing resources: <b>deleted</b>, their records are left out.</item>
/// </list>
/// Fixed and broken records keep their own identity: the native id, scope, account and region of the
/// record stay, and inside the copied JSON the twin's id and name are rewritten to the resource's own.
/// </summary>
internal sealed class DemoDayTwo
{
    private const int PerKind = 2;

    private readonly Dictionary<string, Facts> _facts = new(StringComparer.Ordinal);

    public ScanHooks DayOneHooks => new() { Records = assets => CaptureAsync(assets), Evaluation = Observe };

    /// <summary>The changes, or an empty list when the inventory has no twins to work with.</summary>
    public IReadOnlyList<DemoChange> Plan()
    {
        var evaluated = _facts.Values.Where(f => f.Evaluations > 0).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();

        // Per cloud and native type: the record with the fewest failures (the compliant twin) and the one with the most.
        var groups = evaluated.GroupBy(f => (f.Asset.Provider, f.Asset.NativeType))
            .Where(g => g.Select(f => f.Fails).Distinct().Count() > 1)
            .ToDictionary(g => g.Key, g => (Best: g.MinBy(f => f.Fails)!, Worst: g.MaxBy(f => f.Fails)!));
        (Facts Best, Facts Worst)? Twins(Facts f) => groups.TryGetValue((f.Asset.Provider, f.Asset.NativeType), out var t) ? t : null;

        var used = new HashSet<string>(StringComparer.Ordinal);
        var changes = new List<DemoChange>();
        foreach (var f in Spread(evaluated.Where(f => Twins(f) is { } t && f.Fails > t.Best.Fails && !ReferenceEquals(f, t.Best)), used, offset: 0))
        {
            var twin = Twins(f)!.Value.Best;
            used.Add(twin.Key);
            f.Twin = twin;
            changes.Add(Change(DemoChangeKind.Fixed, f, twin));
        }

        foreach (var f in Spread(evaluated.Where(f => !used.Contains(f.Key) && Twins(f) is { } t && f.Fails < t.Worst.Fails), used, offset: 1))
        {
            var twin = Twins(f)!.Value.Worst;
            used.Add(twin.Key);
            f.Twin = twin;
            changes.Add(Change(DemoChangeKind.Broken, f, twin));
        }

        foreach (var f in Spread(evaluated.Where(f => f.Fails > 0 && !used.Contains(f.Key)), used, offset: 2))
        {
            f.Deleted = true;
            changes.Add(Change(DemoChangeKind.Deleted, f, null));
        }

        return changes;
    }

    /// <summary>The second day's record stream: deleted records left out, fixed and broken ones rewritten.</summary>
    public ScanHooks DayTwoHooks() => new() { Records = assets => ApplyAsync(assets) };

    /// <summary>The twin's record with the resource's identity: its native id (also inside longer strings such as ARNs), name and id segment.</summary>
    internal static JObject Rewrite(JObject twinData, string twinId, string twinName, string ownId, string ownName)
    {
        var copy = (JObject)twinData.DeepClone();
        var twinSegment = DiffWriter.ShortName(twinId);
        var ownSegment = DiffWriter.ShortName(ownId);
        foreach (var value in copy.Descendants().OfType<JValue>().Where(v => v.Type == JTokenType.String).ToList())
        {
            var text = (string)value.Value!;
            if (text.Contains(twinId, StringComparison.OrdinalIgnoreCase))
            {
                value.Value = text.Replace(twinId, ownId, StringComparison.OrdinalIgnoreCase);
            }
            else if (text == twinName)
            {
                value.Value = ownName;
            }
            else if (text == twinSegment)
            {
                value.Value = ownSegment;
            }
        }

        return copy;
    }

    private static DemoChange Change(DemoChangeKind kind, Facts f, Facts? twin) =>
        new(kind, f.Asset.Provider, f.Asset.NativeType, f.Asset.NativeId, f.Name, twin?.Name);

    /// <summary>Up to <see cref="PerKind"/> candidates, one cloud after the other (starting at <paramref name="offset"/>), each the first in native-id order.</summary>
    private static List<Facts> Spread(IEnumerable<Facts> candidates, HashSet<string> used, int offset)
    {
        var byProvider = candidates.Where(c => !used.Contains(c.Key)).GroupBy(c => c.Asset.Provider)
            .ToDictionary(g => g.Key, g => new Queue<Facts>(g));
        var picked = new List<Facts>();
        var providers = ProviderNames.All;
        for (var i = 0; picked.Count < PerKind && byProvider.Values.Any(q => q.Count > 0); i++)
        {
            if (byProvider.TryGetValue(providers[(i + offset) % providers.Count], out var queue) && queue.Count > 0)
            {
                var f = queue.Dequeue();
                if (used.Add(f.Key))
                {
                    picked.Add(f);
                }
            }
        }

        return picked;
    }

    private static string KeyOf(Provider provider, string nativeId) =>
        provider.ToName() + "|" + Fingerprints.IdentityKey(provider, nativeId);

    private async IAsyncEnumerable<RawAsset> CaptureAsync(IAsyncEnumerable<RawAsset> assets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var asset in assets.WithCancellation(cancellationToken))
        {
            var key = KeyOf(asset.Provider, asset.NativeId);
            if (!_facts.ContainsKey(key))
            {
                _facts[key] = new Facts(key, asset);
            }

            yield return asset;
        }
    }

    private void Observe(Evaluation evaluation)
    {
        if (!_facts.TryGetValue(KeyOf(evaluation.Resource.Provider, evaluation.Resource.Id), out var f))
        {
            return;
        }

        f.Name = evaluation.Resource.Name;
        f.Evaluations++;
        switch (evaluation.Status)
        {
            case EvaluationStatus.Fail:
                f.Fails++;
                break;
            case EvaluationStatus.Pass:
                break;
            default:
                f.Others++;
                break;
        }
    }

    private async IAsyncEnumerable<RawAsset> ApplyAsync(IAsyncEnumerable<RawAsset> assets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var asset in assets.WithCancellation(cancellationToken))
        {
            if (!_facts.TryGetValue(KeyOf(asset.Provider, asset.NativeId), out var f) || (!f.Deleted && f.Twin is null))
            {
                yield return asset;
            }
            else if (f.Twin is { } twin)
            {
                // Rewritten in memory: no longer the record the file holds, so it carries no record hash.
                yield return asset with { Data = Rewrite(twin.Asset.Data, twin.Asset.NativeId, twin.Name, asset.NativeId, f.Name), RecordHash = null };
            }

            // Deleted: left out.
        }
    }

    private sealed class Facts(string key, RawAsset asset)
    {
        public string Key { get; } = key;

        public RawAsset Asset { get; } = asset;

        public string Name { get; set; } = DiffWriter.ShortName(asset.NativeId);

        public int Evaluations { get; set; }

        public int Fails { get; set; }

        public int Others { get; set; }

        public Facts? Twin { get; set; }

        public bool Deleted { get; set; }
    }
}

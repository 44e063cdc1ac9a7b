using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Postgres.Tests;

/// <summary>The two snapshots of the crash test: the second fixes, breaks, adds and deletes resources.</summary>
internal static class CrashScenario
{
    public static List<Evaluation> First() => TestInventory.Evaluate(Buckets(fixedCount: 0, extra: false, deleted: false));

    public static List<Evaluation> Second() => TestInventory.Evaluate(Buckets(fixedCount: 10, extra: true, deleted: true));

    private static IEnumerable<Resource> Buckets(int fixedCount, bool extra, bool deleted)
    {
        for (var i = 0; i < 200; i++)
        {
            if (deleted && i % 50 == 49)
            {
                continue;
            }

            // Every third bucket is unencrypted; the second snapshot fixes the first few of those.
            var broken = i % 3 == 0 && i / 3 >= fixedCount;
            yield return TestInventory.Bucket($"crash-{i:D3}", encrypted: !broken);
        }

        if (extra)
        {
            for (var i = 0; i < 20; i++)
            {
                yield return TestInventory.Bucket($"crash-new-{i:D2}", encrypted: false, isPublic: true);
            }
        }
    }
}

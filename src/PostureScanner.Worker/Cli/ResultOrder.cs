using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>Results sorted by provider, account, native id, control id (ordinal) so two runs diff cleanly (DECISIONS 9).</summary>
internal sealed class ResultOrder : IComparer<Evaluation>
{
    public static ResultOrder Instance { get; } = new();

    public int Compare(Evaluation? x, Evaluation? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = string.CompareOrdinal(x.Resource.Provider.ToName(), y.Resource.Provider.ToName());
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Resource.Account, y.Resource.Account);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Resource.Id, y.Resource.Id);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Control.Definition.Id, y.Control.Definition.Id);
    }
}

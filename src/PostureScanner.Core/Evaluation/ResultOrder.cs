using PostureScanner.Core.Inventory;

namespace PostureScanner.Core.Evaluation;

/// <summary>The one order of results in every report: provider, account, native id, control id, all ordinal (DECISIONS 9).</summary>
public sealed class ResultOrder : IComparer<Evaluation>
{
    public static readonly ResultOrder Instance = new();

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

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Control.Definition.Id, y.Control.Definition.Id);
        }

        return c;
    }
}

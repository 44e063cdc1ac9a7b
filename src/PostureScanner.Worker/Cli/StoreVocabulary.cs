using System.Text;
using PostureScanner.Postgres.Findings;

namespace PostureScanner.Worker.Cli;

/// <summary>The lowercase spellings the store verbs print and accept (DECISIONS 8), same as the database stores.</summary>
internal static class StoreVocabulary
{
    public static readonly IReadOnlyList<string> States = Enum.GetValues<FindingState>().Select(ToName).ToArray();

    public static string ToName(this FindingState state) => Snake(state.ToString());

    public static string ToName(this FindingEventKind kind) => Snake(kind.ToString());

    public static string ToName(this ScanStatus status) => Snake(status.ToString());

    public static string ToName(this ScopeStatus status) => Snake(status.ToString());

    public static FindingState ParseState(string value) => Enum.GetValues<FindingState>().First(s => s.ToName() == value);

    private static string Snake(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}

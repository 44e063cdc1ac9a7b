using DevLab.JmesPath;
using DevLab.JmesPath.Expressions;
using PostureScanner.Core.Mapping.Functions;

namespace PostureScanner.Core.Mapping;

/// <summary>
/// JmesPath.Net with our documented custom functions (docs/mappings.md): <c>port_ranges</c>,
/// <c>is_internet</c>, <c>parse_json</c>, <c>lower</c>, <c>split</c>, <c>duration_seconds</c>.
/// </summary>
public sealed class ExpressionCompiler
{
    private readonly JmesPath _jmesPath;

    public ExpressionCompiler()
    {
        _jmesPath = new JmesPath();
        _jmesPath.FunctionRepository
            .Register<PortRangesFunction>()
            .Register<IsInternetFunction>()
            .Register<ParseJsonFunction>()
            .Register<LowerFunction>()
            .Register<SplitFunction>()
            .Register<DurationSecondsFunction>();
    }

    public static IReadOnlyList<string> CustomFunctions { get; } =
        ["port_ranges", "is_internet", "parse_json", "lower", "split", "duration_seconds"];

    /// <summary>Parses an expression; throws <see cref="FormatException"/> with the parser's message when it is invalid.</summary>
    public JmesPathExpression Compile(string expression)
    {
        try
        {
            return _jmesPath.Parse(expression);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new FormatException($"invalid JMESPath '{expression}': {ex.Message}", ex);
        }
    }
}

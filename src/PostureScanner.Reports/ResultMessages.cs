using System.Text;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Reports;

/// <summary>Human sentences for reports: which resource, which control, what was observed.</summary>
internal static class ResultMessages
{
    /// <summary>Evidence values longer than this are cut in sentences (reports carry them whole elsewhere).</summary>
    private const int MaxValueLength = 120;

    /// <summary><c>object_storage.bucket 'logs' (aws 123456789012/us-east-1)</c>.</summary>
    public static string Subject(Resource resource) =>
        $"{resource.Type} '{resource.Name}' ({resource.Provider.ToName()} {Or(resource.Account, "unknown account")}/{Or(resource.Region, "unknown region")})";

    /// <summary>The sentence for a result of any status; ends with a period (SARIF2001).</summary>
    public static string Describe(Evaluation evaluation)
    {
        var subject = Subject(evaluation.Resource);
        var title = evaluation.Control.Definition.Title;
        var text = evaluation.Status switch
        {
            EvaluationStatus.Pass => $"{subject} passes \"{title}\": {Observed(evaluation)}",
            EvaluationStatus.Fail => $"{subject} fails \"{title}\": {Observed(evaluation)}",
            EvaluationStatus.Unknown => $"{subject} could not be evaluated against \"{title}\": {evaluation.Message ?? Observed(evaluation)}",
            _ => $"Evaluating \"{title}\" on {subject} failed: {evaluation.Message ?? "no message"}",
        };
        return Sentence(text);
    }

    /// <summary><c>a.b is true; c is absent</c>, or a note that nothing was read.</summary>
    public static string Observed(Evaluation evaluation)
    {
        if (evaluation.Evidence.Count == 0)
        {
            return "no attribute was read";
        }

        var sb = new StringBuilder();
        foreach (var (path, value) in evaluation.Evidence)
        {
            if (sb.Length > 0)
            {
                sb.Append("; ");
            }

            sb.Append(path).Append(value is null || value.Type == JTokenType.Null ? " is absent" : " is " + Cut(JsonTokens.ToCompactJson(value)));
        }

        return sb.ToString();
    }

    public static string Sentence(string text)
    {
        text = text.TrimEnd();
        return text.EndsWith('.') ? text : text + ".";
    }

    private static string Cut(string text) => text.Length <= MaxValueLength ? text : string.Concat(text.AsSpan(0, MaxValueLength), "…");

    private static string Or(string value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}

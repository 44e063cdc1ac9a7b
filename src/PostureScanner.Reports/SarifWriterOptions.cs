namespace PostureScanner.Reports;

/// <summary>Settings of <see cref="SarifWriter"/>.</summary>
public sealed record SarifWriterOptions
{
    /// <summary>The project's home page (placeholder until the repository has its public address).</summary>
    public static readonly Uri DefaultInformationUri = new("https://github.com/posturescanner/posturescanner");

    /// <summary><c>tool.driver.informationUri</c>.</summary>
    public Uri InformationUri { get; init; } = DefaultInformationUri;

    /// <summary>
    /// Where control files can be read; a rule's <c>helpUri</c> is this plus <c>&lt;domain&gt;/&lt;id&gt;.yaml</c>.
    /// Null means <c>{InformationUri}/blob/main/controls/</c>.
    /// </summary>
    public Uri? ControlsBaseUri { get; init; }

    /// <summary>Indent the log (the default); false writes one line.</summary>
    public bool Indented { get; init; } = true;

    internal Uri EffectiveControlsBaseUri =>
        ControlsBaseUri ?? new Uri(InformationUri.AbsoluteUri.TrimEnd('/') + "/blob/main/controls/");
}

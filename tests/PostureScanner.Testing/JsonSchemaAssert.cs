using NJsonSchema;
using NJsonSchema.Validation;
using Xunit;

namespace PostureScanner.Testing;

/// <summary>Validates JSON text against a committed JSON Schema file (NJsonSchema: draft-04 to draft-07).</summary>
public static class JsonSchemaAssert
{
    /// <summary>The SARIF 2.1.0 OASIS schema copy (draft-04), made by <c>scripts/copy-schemas.sh</c>.</summary>
    public static string SarifSchemaPath => RepoPaths.Combine("tests", "PostureScanner.Testing", "Schemas", "sarif-schema-2.1.0.json");

    /// <summary>The OSCAL 1.1.3 assessment-results schema copy (draft-07), made by <c>scripts/copy-schemas.sh</c>.</summary>
    public static string OscalAssessmentResultsSchemaPath => RepoPaths.Combine("tests", "PostureScanner.Testing", "Schemas", "oscal_assessment-results_schema.json");

    public static Task<JsonSchema> LoadAsync(string path) => JsonSchema.FromFileAsync(path);

    public static ICollection<ValidationError> Validate(JsonSchema schema, string json)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Validate(json);
    }

    /// <summary>Fails listing every validation error (path, kind, nested errors of anyOf/oneOf branches).</summary>
    public static void Valid(JsonSchema schema, string json, string what)
    {
        var errors = Validate(schema, json);
        if (errors.Count > 0)
        {
            Assert.Fail($"{what} does not validate against its schema:\n" + string.Join("\n", errors.Select(e => "  " + Describe(e))));
        }
    }

    public static string Describe(ValidationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = $"{error.Path} ({error.LineNumber}:{error.LinePosition}): {error.Kind}";
        if (error is ChildSchemaValidationError child)
        {
            text += " [" + string.Join("; ", child.Errors.SelectMany(e => e.Value).Select(Describe)) + "]";
        }

        return text;
    }
}

using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Azure.Snapshots;

/// <summary>
/// Azure Resource Graph <c>resources</c> responses in both result formats: <c>objectArray</c>
/// (<c>"data": [{...}]</c>, the default since api-version 2021-03-01, also what <c>az graph query</c>
/// prints) and <c>table</c> (<c>"data": {"columns": [{name, type}], "rows": [[...]]}</c>), whose rows
/// become objects keyed by column name. Rows stream one at a time; several responses one after the
/// other (saved pages) are read in turn.
/// </summary>
internal sealed class AzureResourceGraphFormat : ISnapshotFormat
{
    public string Name => "azure-resource-graph";

    public Provider Provider => Provider.Azure;

    public bool Matches(SnapshotProbe probe) => AzureProbes.IsResourceGraph(probe);

    public async IAsyncEnumerable<RawAsset> ReadAsync(SnapshotFile file, SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new SnapshotJsonReader(file);
        var keeping = new RecordKeeping(session, Name);
        long index = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.TokenType != JsonToken.StartObject)
            {
                throw reader.Error($"expected a Resource Graph response object, found {Describe(reader.TokenType)}");
            }

            var found = false;
            while (await reader.ReadAsync(cancellationToken) && reader.TokenType == JsonToken.PropertyName)
            {
                var name = (string)reader.Value!;
                await reader.ReadAsync(cancellationToken);
                if (found || name != "data")
                {
                    await reader.SkipAsync(cancellationToken);
                    continue;
                }

                found = true;
                switch (reader.TokenType)
                {
                    case JsonToken.Null:
                        break;
                    case JsonToken.StartArray:
                        while (await reader.ReadAsync(cancellationToken) && reader.TokenType != JsonToken.EndArray)
                        {
                            var record = await SnapshotJson.ReadRecordAsync(reader, keeping, $"data[{index}]", index, cancellationToken);
                            index++;
                            if (record is not null)
                            {
                                yield return record.ToAsset(AzureResourceCanonicalizer.ToRawAsset);
                            }
                        }

                        break;
                    case JsonToken.StartObject:
                        await foreach (var asset in ReadTableAsync(reader, () => index++, cancellationToken))
                        {
                            yield return asset;
                        }

                        break;
                    default:
                        throw reader.Error($"'data' is {Describe(reader.TokenType)}, expected an array (objectArray) or an object (table)");
                }
            }

            if (!found)
            {
                throw reader.Error("the response has no 'data'");
            }
        }
    }

    /// <summary>At the start of a table (<c>{columns, rows}</c>): streams the rows as objects. Rows before columns (never seen from the service) are held until the columns arrive.</summary>
    private static async IAsyncEnumerable<RawAsset> ReadTableAsync(SnapshotJsonReader reader, Func<long> nextIndex, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JArray? columns = null;
        List<SnapshotRecord>? pending = null;
        var (tableLine, tableColumn) = (reader.Line, reader.Column);
        while (await reader.ReadAsync(cancellationToken) && reader.TokenType == JsonToken.PropertyName)
        {
            var name = (string)reader.Value!;
            await reader.ReadAsync(cancellationToken);
            if (name == "columns")
            {
                columns = await reader.LoadAsync(cancellationToken) as JArray
                    ?? throw reader.Error("'data.columns' is not an array");
                foreach (var row in pending ?? [])
                {
                    yield return ToObject(row, columns).Convert(AzureResourceCanonicalizer.ToRawAsset);
                }

                pending = null;
            }
            else if (name == "rows" && reader.TokenType == JsonToken.StartArray)
            {
                while (await reader.ReadAsync(cancellationToken) && reader.TokenType != JsonToken.EndArray)
                {
                    var index = nextIndex();
                    // A row is no record alone (its names are in the columns): never hashed or kept.
                    var row = (await SnapshotJson.ReadRecordAsync(reader, keeping: null, $"data.rows[{index}]", index, cancellationToken))!;
                    if (columns is null)
                    {
                        (pending ??= []).Add(row);
                    }
                    else
                    {
                        yield return ToObject(row, columns).Convert(AzureResourceCanonicalizer.ToRawAsset);
                    }
                }
            }
            else
            {
                await reader.SkipAsync(cancellationToken);
            }
        }

        if (pending is { Count: > 0 })
        {
            throw new SnapshotFormatException($"{reader.File.Path}:{tableLine}:{tableColumn}: 'data' has rows but no columns");
        }
    }

    private static SnapshotRecord ToObject(SnapshotRecord row, JArray columns)
    {
        if (row.Value is not JArray values)
        {
            throw row.Error($"a table row must be an array, found {row.Value.Type}");
        }

        if (values.Count != columns.Count)
        {
            throw row.Error($"the row has {values.Count} values but the table has {columns.Count} columns");
        }

        var obj = new JObject();
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i]["name"] is not JValue { Type: JTokenType.String } name)
            {
                throw row.Error($"column {i} has no name");
            }

            obj[name.Value<string>()!] = values[i];
        }

        return row with { Value = obj };
    }

    private static string Describe(JsonToken token) => token switch
    {
        JsonToken.StartObject => "an object",
        JsonToken.StartArray => "an array",
        JsonToken.Null => "null",
        _ => "a " + token.ToString().ToLowerInvariant(),
    };
}

using Npgsql;
using PostureScanner.Postgres.Findings;
using PostureScanner.Testing.Postgres;

namespace PostureScanner.Postgres.Tests.Findings;

/// <summary>The hand-encoded binary COPY rows, read back by a real server: every type the stage tables use.</summary>
public sealed class BinaryCopyRowsTests : IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _fixture;

    public BinaryCopyRowsTests(PostgresFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Rows_CopiedIntoPostgres_ReadBackAsWritten()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand(
            "create temp table t (n int2, s text, b bytea, ts timestamptz, ids text[], counts int4[], big int8, missing text)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var long_ = new string('é', 700_000); // more than the initial buffer once encoded (two bytes each)
        var instant = new DateTimeOffset(2026, 11, 25, 9, 30, 1, TimeSpan.FromHours(2)).AddTicks(1_234_560); // microsecond precision
        var early = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero); // before PostgreSQL's epoch
        var rows = new BinaryCopyRows(capacity: 64);
        rows.WriteHeader();
        rows.StartRow(8);
        rows.Int16(-7);
        rows.Text("bucket ☃ ünïcode");
        rows.Bytea([0, 1, 254, 255]);
        rows.TimestampTz(instant);
        rows.TextArray(["AC-3", "SC-28(1)", "ä"]);
        rows.Int32Array([1, -2, int.MaxValue]);
        rows.Int64(long.MinValue);
        rows.Null();
        rows.StartRow(8);
        rows.Int16(short.MaxValue);
        rows.Text(long_);
        rows.Bytea([]);
        rows.TimestampTz(early);
        rows.TextArray([]);
        rows.Int32Array([]);
        rows.Int64(0);
        rows.Text(null);
        rows.WriteTrailer();
        await using (var stream = await connection.BeginRawBinaryCopyAsync("copy t from stdin (format binary)"))
        {
            await stream.WriteAsync(rows.Written);
        }

        await using var read = new NpgsqlCommand("select n, s, b, ts, ids, counts, big, missing from t order by n", connection);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((short)-7, reader.GetInt16(0));
        Assert.Equal("bucket ☃ ünïcode", reader.GetString(1));
        Assert.Equal([0, 1, 254, 255], reader.GetFieldValue<byte[]>(2));
        Assert.Equal(instant.UtcDateTime, reader.GetDateTime(3));
        Assert.Equal(["AC-3", "SC-28(1)", "ä"], reader.GetFieldValue<string[]>(4));
        Assert.Equal([1, -2, int.MaxValue], reader.GetFieldValue<int[]>(5));
        Assert.Equal(long.MinValue, reader.GetInt64(6));
        Assert.True(reader.IsDBNull(7));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(short.MaxValue, reader.GetInt16(0));
        Assert.Equal(long_, reader.GetString(1));
        Assert.Empty(reader.GetFieldValue<byte[]>(2));
        Assert.Equal(early.UtcDateTime, reader.GetDateTime(3));
        Assert.Empty(reader.GetFieldValue<string[]>(4));
        Assert.Empty(reader.GetFieldValue<int[]>(5));
        Assert.True(reader.IsDBNull(7));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task StagingWriter_InputFailsMidway_NoRowReachesTheStageAndTheConnectionStaysUsable()
    {
        await using var db = await StoreDatabase.CreateAsync(_fixture);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand(StagingWriter.CreateTables, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var rows = TestInventory.Evaluate(TestInventory.Bucket("a"), TestInventory.Bucket("b"));
        var stager = new EvaluationStager();
        var staged = new List<StagedEvaluation>();
        foreach (var evaluation in rows)
        {
            stager.Add(evaluation, staged);
        }

        stager.Complete(staged);
        var writer = new StagingWriter();
        var error = await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(connection, FailAfterManyBatches(staged), CancellationToken.None));
        Assert.Equal("input cut short", error.Message);

        await using var count = new NpgsqlCommand("select count(*) from stage_evaluations", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);

        // The same writer on the same connection, whole this time: every row arrives.
        await new StagingWriter().WriteAsync(connection, Once(staged), CancellationToken.None);
        Assert.Equal((long)staged.Count, (long)(await count.ExecuteScalarAsync())!);
    }

#pragma warning disable CS1998 // async iterators without await: streams for the writer's API
    /// <summary>Enough batches that part of the COPY reached the server before the input fails.</summary>
    private static async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> FailAfterManyBatches(List<StagedEvaluation> rows)
    {
        for (var i = 0; i < 2_000; i++)
        {
            yield return rows;
        }

        throw new IOException("input cut short");
    }

    private static async IAsyncEnumerable<IReadOnlyList<StagedEvaluation>> Once(List<StagedEvaluation> rows)
    {
        yield return rows;
    }
#pragma warning restore CS1998
}

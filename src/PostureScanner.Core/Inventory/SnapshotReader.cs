using System.Runtime.CompilerServices;
using Newtonsoft.Json;

namespace PostureScanner.Core.Inventory;

/// <summary>
/// Reads the inventory files a user has (files or directories, gzip or not) and streams their
/// records as canonical <see cref="RawAsset"/>s. Each file's format is detected from its content
/// (the first <see cref="SnapshotProber.ProbeLength"/> characters), never from its name. Files are
/// read in order of their format's <see cref="ISnapshotFormat.Phase"/>, then by path (ordinal), so
/// two runs over the same files stream the same records in the same order.
/// <para>
/// One bad file never stops the others: it is recorded in <see cref="Inputs"/> with an error naming
/// the file and the position, and records streamed from it before the error stay streamed.
/// </para>
/// </summary>
public sealed class SnapshotReader
{
    private readonly IReadOnlyList<ISnapshotFormat> _formats;
    private readonly List<SnapshotInput> _inputs = [];

    public SnapshotReader(IEnumerable<ISnapshotFormat> formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        _formats = [.. formats];
    }

    /// <summary>
    /// Set by a stored scan: records are hashed as read, and those the filter keeps are not parsed (they
    /// count in <see cref="Inputs"/> all the same). Formats that can vouch for a record alone use it.
    /// </summary>
    public IRecordFilter? Records { get; init; }

    /// <summary>One entry per input file, added as each file is finished (in reading order); cleared when a new read starts.</summary>
    public IReadOnlyList<SnapshotInput> Inputs => _inputs;

    public async IAsyncEnumerable<RawAsset> ReadAsync(IReadOnlyList<string> paths, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _inputs.Clear();
        var session = new SnapshotSession { Records = Records };
        foreach (var input in await PlanAsync(paths, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await foreach (var asset in ReadInputAsync(input, input.Phase == 0 ? session : session.ForFile(), _inputs.Add, cancellationToken))
            {
                yield return asset;
            }
        }

        await foreach (var asset in CompleteAsync(session, cancellationToken))
        {
            yield return asset;
        }
    }

    /// <summary>
    /// The inputs to read, each with its format (or the error that stops it), in reading order: by phase,
    /// then path (ordinal); equal (phase, path) keep the order given.
    /// </summary>
    public async Task<IReadOnlyList<PlannedInput>> PlanAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var plan = new List<PlannedInput>();
        foreach (var (path, error) in SnapshotPaths.Expand(paths))
        {
            plan.Add(error is null ? await PlanAsync(path, cancellationToken) : new PlannedInput(path, null, error));
        }

        return plan
            .Select((input, position) => (input, position))
            .OrderBy(p => p.input.Phase)
            .ThenBy(p => p.input.Path, StringComparer.Ordinal)
            .ThenBy(p => p.position)
            .Select(p => p.input)
            .ToList();
    }

    /// <summary>
    /// Streams one planned input's records through <paramref name="session"/> (the read's session for a file
    /// of phase 0, in plan order; <see cref="SnapshotSession.ForFile"/> of it for a later phase, once phase 0
    /// is read), then reports what happened to the file to <paramref name="finished"/>. A bad file ends with
    /// its error, never an exception.
    /// </summary>
    public static async IAsyncEnumerable<RawAsset> ReadInputAsync(PlannedInput input, SnapshotSession session, Action<SnapshotInput> finished,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(finished);
        if (input.Format is null || input.Error is not null)
        {
            finished(new SnapshotInput(input.Path, input.Format?.Name, 0, input.Error));
            yield break;
        }

        long count = 0;
        var keptBefore = session.KeptRecords;
        string? failure = null;
        var file = SnapshotFiles.Create(input.Path);
        var records = input.Format.ReadAsync(file, session, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                var (moved, error) = await MoveNextAsync(records, input.Path);
                if (!moved)
                {
                    failure = error;
                    break;
                }

                count++;
                yield return records.Current;
            }
        }
        finally
        {
            await DisposeQuietlyAsync(records);
        }

        finished(new SnapshotInput(input.Path, input.Format.Name, count + session.KeptRecords - keptBefore, failure));
    }

    /// <summary>What only the whole set of inputs could complete (orphan IAM policies), from the read's session once every file is read.</summary>
    public async IAsyncEnumerable<RawAsset> CompleteAsync(SnapshotSession session, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        foreach (var format in _formats)
        {
            await foreach (var asset in format.CompleteAsync(session, cancellationToken).WithCancellation(cancellationToken))
            {
                yield return asset;
            }
        }
    }

    private async Task<PlannedInput> PlanAsync(string path, CancellationToken cancellationToken)
    {
        var file = SnapshotFiles.Create(path);
        SnapshotProbeResult result;
        try
        {
            result = await SnapshotProber.ProbeAsync(file, cancellationToken);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            return new PlannedInput(path, null, $"{path}: cannot read: {ex.Message}");
        }

        var probe = result.Probe;
        if (probe.Shape == SnapshotShape.Empty)
        {
            return new PlannedInput(path, null, $"{path}: empty file: no records");
        }

        if (probe.Shape != SnapshotShape.NotJson)
        {
            foreach (var format in _formats)
            {
                if (format.Matches(probe))
                {
                    return new PlannedInput(path, format, null);
                }
            }
        }

        if (result.Error is not null)
        {
            return new PlannedInput(path, null, result.Error);
        }

        if (probe.Shape == SnapshotShape.Array && probe.FirstRecordProperties.Count == 0 && !result.Truncated)
        {
            return new PlannedInput(path, null, $"{path}:1:1: no records: the file holds an empty array (or an array of non-objects), so its format cannot be told");
        }

        if (result.Truncated)
        {
            // The probe stops at its length; a syntax error further on explains the file better than "unrecognised".
            try
            {
                if (await SnapshotJson.FindSyntaxErrorAsync(file, cancellationToken) is { } syntax)
                {
                    return new PlannedInput(path, null, syntax);
                }
            }
            catch (Exception ex) when (IsReadFailure(ex))
            {
                return new PlannedInput(path, null, $"{path}: cannot read: {ex.Message}");
            }
        }

        return new PlannedInput(path, null, $"{path}:1:1: unrecognised format: {Describe(probe)}");
    }

    private static async Task<(bool Moved, string? Error)> MoveNextAsync(IAsyncEnumerator<RawAsset> records, string path)
    {
        try
        {
            return (await records.MoveNextAsync(), null);
        }
        catch (SnapshotFormatException ex)
        {
            return (false, ex.Message.StartsWith(path, StringComparison.Ordinal) ? ex.Message : $"{path}: {ex.Message}");
        }
        catch (JsonReaderException ex)
        {
            return (false, SnapshotJsonReader.MalformedMessage(path, ex));
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            return (false, $"{path}: cannot read: {ex.Message}");
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<RawAsset> records)
    {
        try
        {
            await records.DisposeAsync();
        }
        catch (Exception ex) when (IsReadFailure(ex) || ex is SnapshotFormatException or JsonException)
        {
            // The file's error (if any) is already recorded; closing it has nothing to add.
        }
    }

    /// <summary>Failures of one file (a corrupt gzip stream is <see cref="InvalidDataException"/>) that must not stop the others.</summary>
    private static bool IsReadFailure(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException;

    internal static string Describe(SnapshotProbe probe)
    {
        static string Names(IReadOnlyList<string> names) => names.Count == 0
            ? "no properties"
            : "properties " + string.Join(", ", names.Take(12)) + (names.Count > 12 ? ", ..." : "");

        return probe.Shape switch
        {
            SnapshotShape.Array => $"a JSON array whose first element has {Names(probe.FirstRecordProperties)}",
            SnapshotShape.Object when probe.MultipleDocuments => $"JSON lines (or concatenated documents) whose first has {Names(probe.RootProperties)}",
            SnapshotShape.Object when probe.RecordsProperty is { } records =>
                $"a JSON object with {Names(probe.RootProperties)} (first record of '{records}' has {Names(probe.FirstRecordProperties)})",
            SnapshotShape.Object => $"a JSON object with {Names(probe.RootProperties)}",
            _ => "not JSON",
        };
    }
}

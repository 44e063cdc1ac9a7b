using System.Collections;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostureScanner.Core.Controls;
using PostureScanner.Core.Evaluation;
using PostureScanner.Core.Inventory;

namespace PostureScanner.Worker.Cli;

/// <summary>
/// The results a scan reports, kept in bounded memory whatever the size of the inventory: up to
/// <see cref="RunSize"/> results are held, sorted and written to a temporary file as one run, and
/// enumeration merges the runs (k-way) in the stable order (DECISIONS 9). Small scans never touch
/// the disk. Enumerating rebuilds light evaluations (resource identity, status, evidence, message)
/// from the runs; the native records were never kept.
/// </summary>
internal sealed class ResultSpool : IReadOnlyCollection<Evaluation>, IDisposable
{
    private readonly Dictionary<string, CompiledControl> _controls;
    private readonly List<string> _runs = [];
    private readonly List<Evaluation> _buffer = [];
    private readonly string _directory;

    public ResultSpool(IEnumerable<CompiledControl> controls, int runSize = 50_000)
    {
        _controls = controls.ToDictionary(c => c.Definition.Id, StringComparer.Ordinal);
        RunSize = runSize;
        _directory = Path.Combine(Path.GetTempPath(), "posture-results-" + Guid.NewGuid().ToString("N"));
    }

    public int RunSize { get; }

    public int Count { get; private set; }

    /// <summary>True when results went to disk (the report then streams them).</summary>
    public bool Spilled => _runs.Count > 0;

    public void Add(Evaluation evaluation)
    {
        _buffer.Add(evaluation);
        Count++;
        if (_buffer.Count >= RunSize)
        {
            Spill();
        }
    }

    /// <summary>Ends adding: a spilled spool writes its last run; an in-memory one sorts its buffer.</summary>
    public void Complete()
    {
        if (Spilled && _buffer.Count > 0)
        {
            Spill();
        }
        else
        {
            _buffer.Sort(ResultOrder.Instance);
        }
    }

    public IEnumerator<Evaluation> GetEnumerator() => (Spilled ? Merge() : _buffer).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void Spill()
    {
        Directory.CreateDirectory(_directory);
        _buffer.Sort(ResultOrder.Instance);
        var path = Path.Combine(_directory, $"run-{_runs.Count:D5}.jsonl");
        using (var text = new StreamWriter(path))
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.None, CloseOutput = false })
        {
            foreach (var e in _buffer)
            {
                Write(json, e);
                text.Write('\n');
            }
        }

        _runs.Add(path);
        _buffer.Clear();
    }

    private IEnumerable<Evaluation> Merge()
    {
        var readers = _runs.Select(p => new StreamReader(p)).ToList();
        try
        {
            var queue = new PriorityQueue<(Evaluation Item, int Run), Evaluation>(ResultOrder.Instance);
            for (var i = 0; i < readers.Count; i++)
            {
                if (Next(readers[i]) is { } first)
                {
                    queue.Enqueue((first, i), first);
                }
            }

            while (queue.TryDequeue(out var head, out _))
            {
                yield return head.Item;
                if (Next(readers[head.Run]) is { } next)
                {
                    queue.Enqueue((next, head.Run), next);
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    private Evaluation? Next(StreamReader reader) => reader.ReadLine() is { } line ? Read(JObject.Parse(line)) : null;

    private static void Write(JsonTextWriter json, Evaluation e)
    {
        var r = e.Resource;
        json.WriteStartObject();
        Property(json, "c", e.Control.Definition.Id);
        Property(json, "p", r.Provider.ToName());
        Property(json, "a", r.Account);
        Property(json, "r", r.Region);
        Property(json, "t", r.Type);
        Property(json, "n", r.NativeType);
        Property(json, "i", r.Id);
        Property(json, "m", r.Name);
        Property(json, "s", e.Status.ToName());
        Property(json, "g", e.Message);
        json.WritePropertyName("e");
        json.WriteStartObject();
        foreach (var (path, value) in e.Evidence)
        {
            json.WritePropertyName(path);
            if (value is null)
            {
                json.WriteNull();
            }
            else
            {
                value.WriteTo(json);
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Property(JsonTextWriter json, string name, string? value)
    {
        json.WritePropertyName(name);
        json.WriteValue(value);
    }

    private Evaluation Read(JObject o)
    {
        if (!ProviderNames.TryParse(o.Value<string>("p"), out var provider) || !Vocabulary.TryParseStatus(o.Value<string>("s"), out var status))
        {
            throw new InvalidDataException($"corrupt result spool line: {o.ToString(Formatting.None)}");
        }

        var id = o.Value<string>("i")!;
        var raw = new RawAsset { Provider = provider, Scope = "", NativeType = o.Value<string>("n")!, NativeId = id, Account = o.Value<string>("a")!, Region = o.Value<string>("r")!, Data = [] };
        return new Evaluation
        {
            Control = _controls[o.Value<string>("c")!],
            Resource = new Resource
            {
                Provider = provider,
                Account = raw.Account,
                Region = raw.Region,
                Type = o.Value<string>("t")!,
                NativeType = raw.NativeType,
                Id = id,
                Name = o.Value<string>("m")!,
                Tags = new Dictionary<string, string>(),
                Attributes = new Dictionary<string, JToken>(),
                Raw = raw,
            },
            Status = status,
            Evidence = ((JObject)o["e"]!).Properties().ToDictionary(p => p.Name, p => p.Value.Type == JTokenType.Null ? null : p.Value, StringComparer.Ordinal),
            Message = o.Value<string>("g"),
        };
    }
}

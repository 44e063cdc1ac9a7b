namespace PostureScanner.Core.Inventory;

/// <summary>State shared by the formats during one read of a set of inputs (e.g. the GCP IAM policy index).</summary>
public sealed class SnapshotSession
{
    private readonly Dictionary<Type, object> _state = [];

    public T State<T>()
        where T : class, new()
    {
        if (!_state.TryGetValue(typeof(T), out var value))
        {
            _state[typeof(T)] = value = new T();
        }

        return (T)value;
    }
}

namespace PostureScanner.Core.Inventory;

/// <summary>The outer shape of an input file.</summary>
public enum SnapshotShape
{
    Empty,
    Object,
    Array,
    NotJson,
}

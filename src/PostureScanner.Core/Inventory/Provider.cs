namespace PostureScanner.Core.Inventory;

/// <summary>The clouds PostureScanner inventories. Serialized lowercase (<c>aws|azure|gcp</c>).</summary>
public enum Provider
{
    Aws,
    Azure,
    Gcp,
}

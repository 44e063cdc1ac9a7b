namespace PostureScanner.Core.Inventory;

/// <summary>
/// Decides, from a record's hash alone, that a record need not be parsed: a stored scan knows which
/// record hashes its previous scan evaluated (and with the same content), and keeps what they made
/// as it is. Called on the reading thread, once per hashed record.
/// </summary>
public interface IRecordFilter
{
    /// <summary>True when the record is known and taken care of: the reader skips it without parsing it.</summary>
    bool TryKeep(UInt128 recordHash);
}

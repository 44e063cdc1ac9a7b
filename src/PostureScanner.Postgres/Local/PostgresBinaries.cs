namespace PostureScanner.Postgres.Local;

/// <summary>
/// The PostgreSQL server programs (<c>initdb</c>, <c>pg_ctl</c>) of this machine: found on PATH, else
/// the newest <c>/usr/lib/postgresql/&lt;major&gt;/bin</c> (Debian's layout).
/// </summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl)
{
    public const string InstallHint =
        "PostgreSQL server binaries not found: install them with `apt-get install postgresql` (Debian/Ubuntu), " +
        "`dnf install postgresql-server` (Fedora/RHEL) or `brew install postgresql` (macOS), " +
        "or put the folder holding initdb and pg_ctl on PATH";

    /// <summary>Finds the binaries or throws <see cref="PostgresNotInstalledException"/> with the install hint.</summary>
    public static PostgresBinaries Find(string? binDirectory = null) =>
        TryFind(binDirectory) ?? throw new PostgresNotInstalledException(InstallHint);

    public static PostgresBinaries? TryFind(string? binDirectory = null)
    {
        if (binDirectory is not null)
        {
            return InFolder(binDirectory);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (InFolder(dir) is { } found)
            {
                return found;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(debianRoot)
            .Select(d => (Dir: d, Major: int.TryParse(Path.GetFileName(d), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(d => d.Major >= 0)
            .OrderByDescending(d => d.Major)
            .Select(d => InFolder(Path.Combine(d.Dir, "bin")))
            .FirstOrDefault(b => b is not null);
    }

    private static PostgresBinaries? InFolder(string dir)
    {
        var initdb = Path.Combine(dir, "initdb");
        var pgctl = Path.Combine(dir, "pg_ctl");
        return File.Exists(initdb) && File.Exists(pgctl) ? new PostgresBinaries(Path.GetFullPath(initdb), Path.GetFullPath(pgctl)) : null;
    }
}

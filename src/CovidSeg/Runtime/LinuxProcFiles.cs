namespace CovidSeg.Runtime;

/// <summary>
/// Fields of Linux's "Name: value" files under /proc (cpuinfo, meminfo, self/status). Every member returns null where
/// the file or field is missing or unreadable (another OS, a locked-down /proc), so callers report "unknown".
/// </summary>
public static class LinuxProcFiles
{
    /// <summary>The value after the colon of the first line whose name (before the colon, trimmed) is <paramref name="name"/>.</summary>
    public static string? Field(string path, string name)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line.AsSpan(0, colon).Trim().SequenceEqual(name)) return line[(colon + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>A field given in kB (e.g. meminfo's MemTotal, status's VmRSS), in kilobytes.</summary>
    public static long? Kilobytes(string path, string name) =>
        Field(path, name)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var number, ..] && long.TryParse(number, out long kb) ? kb : null;
}

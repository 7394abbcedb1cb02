namespace CovidSeg.IO;

/// <summary>
/// Writes a file under a temporary name beside its destination and renames it into place, so a crash or kill never
/// leaves a half-written file under the real name (a rename within one folder is atomic on POSIX file systems).
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string temp = TemporaryNameFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>For writers that need a path (libtorch's save): they write to the temporary path given.</summary>
    public static void WriteVia(string path, Action<string> writeToPath)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string temp = TemporaryNameFor(full);
        try
        {
            writeToPath(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>
    /// Deletes the temporary files a killed writer left in <paramref name="folder"/> (and, if asked, its subfolders):
    /// hidden <c>.NAME.XXXXXXXX.partial</c> files, never anything else; returns how many. Called when a command
    /// writes into a folder again.
    /// </summary>
    public static int RemoveLeftovers(string folder, bool recursive = false)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(folder, ".*.partial", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly))
        {
            if (!IsTemporaryName(Path.GetFileName(file))) continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    /// <summary>True for names <see cref="TemporaryNameFor"/> makes: "." + name + "." + 8 hex digits + ".partial".</summary>
    internal static bool IsTemporaryName(string name)
    {
        const string suffix = ".partial";
        if (!name.StartsWith('.') || !name.EndsWith(suffix, StringComparison.Ordinal) || name.Length < 1 + 1 + 9 + suffix.Length) return false;
        string tag = name[..^suffix.Length][^9..];
        return tag[0] == '.' && tag[1..].All(Uri.IsHexDigit);
    }

    /// <summary>A name in the same folder (so the rename stays atomic) that no other writer picks.</summary>
    private static string TemporaryNameFor(string full) =>
        Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".partial");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

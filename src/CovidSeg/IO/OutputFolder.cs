namespace CovidSeg.IO;

/// <summary>
/// Checks an output folder option before any work starts, so a path that can never be a folder (it is a file, or a
/// file stands where one of its parent folders should be) ends the command with one line instead of an exception
/// from deep inside the first write, after minutes of training.
/// </summary>
public static class OutputFolder
{
    /// <summary>Throws <see cref="CovidSegException"/> naming <paramref name="option"/> when <paramref name="path"/> cannot be a folder.</summary>
    public static void Check(string path, string option = "--out")
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new CovidSegException($"{option} {path} is a file, expected a folder");
        for (string? parent = Path.GetDirectoryName(full); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent)) throw new CovidSegException($"{option} {path} cannot be created: {parent} is a file, not a folder");
        }
    }

    /// <summary><see cref="Check"/>, then creates the folder; a file-system refusal is one line naming the option.</summary>
    public static string Create(string path, string option = "--out")
    {
        Check(path, option);
        try
        {
            return Directory.CreateDirectory(path).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CovidSegException($"{option} {path} cannot be created: {e.Message}", e);
        }
    }
}

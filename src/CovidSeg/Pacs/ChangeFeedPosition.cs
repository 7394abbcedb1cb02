using System.Globalization;
using CovidSeg.IO;

namespace CovidSeg.Pacs;

/// <summary>
/// The last Orthanc change (<c>Seq</c>) this worker has dealt with, in a file written atomically so a kill leaves the
/// old or the new number, never half of one. Losing it costs only a replay: finished series are marked in Orthanc.
/// </summary>
public sealed class ChangeFeedPosition(string path)
{
    public string Path { get; } = path;

    public long Load()
    {
        if (!File.Exists(Path)) return 0;
        string text = File.ReadAllText(Path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            ? seq : throw new InvalidInputException(Path, $"change-feed position file holds \"{text}\", not a number (delete it to replay the feed)");
    }

    public void Save(long seq)
    {
        string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path, seq.ToString(CultureInfo.InvariantCulture) + "\n");
    }
}

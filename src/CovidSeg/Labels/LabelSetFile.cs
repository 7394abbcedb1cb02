using System.Text.Json;
using CovidSeg.IO;

namespace CovidSeg.Labels;

/// <summary>
/// labels.json beside a data set: its classes (index, name, colour). Data sets that carry one need no --labels; the
/// phantom writes one because it labels four classes where COVID-SemiSeg folders label three.
/// </summary>
public static class LabelSetFile
{
    public const string FileName = "labels.json";

    /// <summary>The format field of the file; files without one (written before it was recorded) have the same shape.</summary>
    public const string Format = "covidseg-labels/1";

    public static void Save(string folder, LabelSet labels) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonConvention.Serialize(labels, Format));

    /// <summary>The label set in FOLDER/labels.json, or null when there is none.</summary>
    public static LabelSet? TryLoad(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonConvention.Deserialize<LabelSet>(File.ReadAllText(path), Format);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new InvalidInputException(path, $"not a valid label set ({e.Message})");
        }
    }
}

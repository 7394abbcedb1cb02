using CovidSeg.Imaging;

namespace CovidSeg.Data;

/// <summary>
/// Slices without labels, for semi-supervised training: the image files (.png, .jpg, .jpeg) of a folder, or of its
/// images/ sub-folder when it has one (as in COVID-SemiSeg's unlabelled/images). Ids are the file stems in natural
/// order, so "VOL_2" comes before "VOL_10".
/// </summary>
public sealed class UnlabelledImages
{
    private readonly string[] ids;
    private readonly string[] paths;

    public string Source { get; }
    public int Count => ids.Length;

    public UnlabelledImages(string folder)
    {
        if (!Directory.Exists(folder)) throw new InvalidInputException(folder, "folder of unlabelled images not found");
        string images = Path.Combine(folder, "images");
        Source = Path.GetFullPath(Directory.Exists(images) ? images : folder);
        var byStem = new SortedDictionary<string, string>(NaturalStringComparer.Instance);
        foreach (string file in Directory.EnumerateFiles(Source))
        {
            if (!FolderDataset.ImageExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase)) continue;
            string stem = Path.GetFileNameWithoutExtension(file);
            if (!byStem.TryAdd(stem, file))
                throw new InvalidInputException(Source, $"two files share the stem '{stem}': {Path.GetFileName(byStem[stem])} and {Path.GetFileName(file)}");
        }
        if (byStem.Count == 0) throw new InvalidInputException(Source, "folder holds no images (.png, .jpg, .jpeg)");
        ids = byStem.Keys.ToArray();
        paths = byStem.Values.ToArray();
    }

    public string IdAt(int index) => ids[index];

    public string PathAt(int index) => paths[index];

    /// <summary>Reads image <paramref name="index"/>; an unreadable file raises <see cref="InvalidInputException"/> naming it.</summary>
    public GreyImage Load(int index) => ImageFile.ReadGrey(paths[index]);
}

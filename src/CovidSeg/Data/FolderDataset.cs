using CovidSeg.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Data;

/// <summary>
/// Slices stored as <c>images/</c> (PNG or JPEG) and <c>masks/</c> (PNG of label indices) under one folder, paired by
/// file stem: the layout of the COVID-SemiSeg training set (Fan et al. 2020, Inf-Net) that the paper's MedSeg slices
/// come in. Samples are ordered by the natural order of their stems (2 before 10). The pairing is checked when the
/// data set is opened; pixels are read by <see cref="Load"/>.
/// </summary>
public sealed class FolderDataset : ISegmentationDataset
{
    internal static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];
    private static readonly string[] MaskExtensions = [".png"];
    private const int ListedInErrors = 5;

    private readonly string[] ids;
    private readonly string[] imagePaths;
    private readonly string[] maskPaths;

    public string Source { get; }
    public LabelSet Labels { get; }
    public int Count => ids.Length;
    public string ImagesFolder { get; }
    public string MasksFolder { get; }

    public FolderDataset(string folder, LabelSet? labels = null)
    {
        Source = Path.GetFullPath(folder);
        Labels = labels ?? LabelSet.SemiSeg;
        if (!Directory.Exists(Source)) throw new InvalidInputException(folder, "data set folder not found");
        ImagesFolder = Path.Combine(Source, "images");
        MasksFolder = Path.Combine(Source, "masks");
        var missing = new[] { ImagesFolder, MasksFolder }.Where(f => !Directory.Exists(f)).Select(Path.GetFileName).ToList();
        if (missing.Count > 0)
            throw new InvalidInputException(folder, $"expected sub-folders images/ and masks/; missing {string.Join(" and ", missing.Select(m => m + "/"))}");

        var images = FilesByStem(ImagesFolder, ImageExtensions, "images (.png, .jpg, .jpeg)");
        var masks = FilesByStem(MasksFolder, MaskExtensions, "masks (.png)");

        var noMask = images.Keys.Where(s => !masks.ContainsKey(s)).Order(NaturalStringComparer.Instance).ToList();
        var noImage = masks.Keys.Where(s => !images.ContainsKey(s)).Order(NaturalStringComparer.Instance).ToList();
        if (noMask.Count > 0 || noImage.Count > 0)
        {
            var parts = new List<string>();
            if (noMask.Count > 0) parts.Add($"{noMask.Count} image(s) without a mask: {ListFew(noMask)}");
            if (noImage.Count > 0) parts.Add($"{noImage.Count} mask(s) without an image: {ListFew(noImage)}");
            throw new InvalidInputException(folder, "images and masks do not pair up by file name; " + string.Join("; ", parts));
        }

        ids = images.Keys.Order(NaturalStringComparer.Instance).ToArray();
        imagePaths = ids.Select(s => images[s]).ToArray();
        maskPaths = ids.Select(s => masks[s]).ToArray();
    }

    public string IdAt(int index) => ids[index];

    public string ImagePathAt(int index) => imagePaths[index];

    public string MaskPathAt(int index) => maskPaths[index];

    public SegmentationSample Load(int index)
    {
        var image = ImageFile.ReadGrey(imagePaths[index]);
        var mask = ImageFile.ReadLabels(maskPaths[index], Labels);
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new InvalidInputException(maskPaths[index],
                $"mask is {mask.Width}x{mask.Height} but its image {Path.GetFileName(imagePaths[index])} is {image.Width}x{image.Height}");
        return new SegmentationSample(ids[index], image, mask);
    }

    private static Dictionary<string, string> FilesByStem(string folder, string[] extensions, string what)
    {
        var byStem = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            string extension = Path.GetExtension(file);
            if (!extensions.Contains(extension, StringComparer.OrdinalIgnoreCase)) continue;
            string stem = Path.GetFileNameWithoutExtension(file);
            if (byStem.TryGetValue(stem, out string? other))
                throw new InvalidInputException(folder, $"two files share the stem '{stem}': {Path.GetFileName(other)} and {Path.GetFileName(file)}");
            byStem[stem] = file;
        }
        if (byStem.Count == 0) throw new InvalidInputException(folder, $"folder holds no {what}");
        return byStem;
    }

    private static string ListFew(IReadOnlyList<string> stems) =>
        string.Join(", ", stems.Take(ListedInErrors)) + (stems.Count > ListedInErrors ? $", ... ({stems.Count - ListedInErrors} more)" : "");
}

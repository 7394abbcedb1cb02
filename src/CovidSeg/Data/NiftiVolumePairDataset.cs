using System.Text.RegularExpressions;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Labels;

namespace CovidSeg.Data;

/// <summary>
/// CT volumes and their label volumes in the nnU-Net / Medical Segmentation Decathlon layout: <c>imagesTr/</c> and
/// <c>labelsTr/</c>, each case CASE with image <c>CASE_0000.nii.gz</c> (nnU-Net channel suffix) or
/// <c>CASE.nii.gz</c>, and labels <c>CASE.nii.gz</c> (.nii also accepted). Every axial slice is one sample, id
/// "CASE#k"; slices follow the convention of <see cref="NiftiSlices"/> (no flips). The label set comes from the
/// caller. Headers are read and checked at construction; voxels of one case at a time are loaded and cached.
/// </summary>
public sealed partial class NiftiVolumePairDataset : ISegmentationDataset
{
    public const string ImagesFolder = "imagesTr";
    public const string LabelsFolder = "labelsTr";

    /// <summary>One image/label volume pair and where its slices start in the sample numbering.</summary>
    public sealed record Case(string Id, string ImagePath, string MaskPath, NiftiHeader ImageHeader, int FirstSample, int SliceCount);

    private readonly IntensityScale scale;
    private readonly int[] firstSample;
    private readonly Lock cacheLock = new();
    private (int Case, NiftiVolume Image, byte[] Labels)? cached;

    public IReadOnlyList<Case> Cases { get; }
    public string Source { get; }
    public LabelSet Labels { get; }
    public int Count { get; }

    public NiftiVolumePairDataset(string folder, LabelSet labels, IntensityScale scale = IntensityScale.Hounsfield)
    {
        Source = folder;
        Labels = labels;
        this.scale = scale;
        var pairs = MatchPairs(folder);
        var cases = new List<Case>();
        int total = 0;
        foreach (var (id, imagePath, maskPath) in pairs)
        {
            var imageHeader = NiftiReader.ReadHeader(imagePath);
            NiftiSlices.CheckSameSize(imageHeader, imagePath, NiftiReader.ReadHeader(maskPath), maskPath);
            int slices = NiftiVolume.SpatialSize(imageHeader).Nz;
            cases.Add(new Case(id, imagePath, maskPath, imageHeader, total, slices));
            total = checked(total + slices);
        }
        Cases = cases;
        Count = total;
        firstSample = cases.Select(c => c.FirstSample).ToArray();
    }

    [GeneratedRegex(@"^(?<case>.+)_(?<channel>\d{4})$")]
    private static partial Regex ChannelSuffix();

    /// <summary>Pairs image and label files by case name; every file must find its partner.</summary>
    private static List<(string Id, string ImagePath, string MaskPath)> MatchPairs(string folder)
    {
        string imagesDir = Path.Combine(folder, ImagesFolder), labelsDir = Path.Combine(folder, LabelsFolder);
        if (!Directory.Exists(folder)) throw new InvalidInputException(folder, "folder does not exist");
        if (!Directory.Exists(imagesDir)) throw new InvalidInputException(folder, $"no {ImagesFolder}/ folder (expected {ImagesFolder}/ and {LabelsFolder}/)");
        if (!Directory.Exists(labelsDir)) throw new InvalidInputException(folder, $"no {LabelsFolder}/ folder (expected {ImagesFolder}/ and {LabelsFolder}/)");

        var labels = NiftiFiles(labelsDir).ToDictionary(p => NiftiFileName.Stem(p), StringComparer.Ordinal);
        var images = NiftiFiles(imagesDir);
        if (images.Count == 0) throw new InvalidInputException(imagesDir, "no .nii or .nii.gz files");
        if (labels.Count == 0) throw new InvalidInputException(labelsDir, "no .nii or .nii.gz files");

        var pairs = new List<(string, string, string)>();
        var imageOfCase = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string image in images)
        {
            string stem = NiftiFileName.Stem(image);
            string id = stem;
            var m = ChannelSuffix().Match(stem);
            if (!labels.ContainsKey(stem) && m.Success && labels.ContainsKey(m.Groups["case"].Value))
            {
                id = m.Groups["case"].Value;
                if (m.Groups["channel"].Value != "0000")
                    throw new InvalidInputException(image, $"channel {m.Groups["channel"].Value} of case {id}: only single-channel images (_0000) are supported");
            }
            if (!labels.TryGetValue(id, out string? mask))
            {
                string expected = m.Success ? $"{m.Groups["case"].Value}.nii.gz or {stem}.nii.gz" : $"{stem}.nii.gz";
                throw new InvalidInputException(image, $"no label volume for it in {labelsDir} (expected {expected})");
            }
            if (imageOfCase.TryGetValue(id, out string? other))
                throw new InvalidInputException(image, $"case {id} has two images: this one and {other}");
            imageOfCase[id] = image;
            pairs.Add((id, image, mask));
        }
        foreach (var (stem, mask) in labels)
            if (!imageOfCase.ContainsKey(stem))
                throw new InvalidInputException(mask, $"no image for it in {imagesDir} (expected {stem}_0000.nii.gz or {stem}.nii.gz)");
        return pairs;
    }

    /// <summary>NIfTI files of a folder in ordinal name order; hidden files (e.g. macOS "._x.nii.gz" forks) are skipped.</summary>
    private static List<string> NiftiFiles(string folder) => Directory.EnumerateFiles(folder)
        .Where(p => !Path.GetFileName(p).StartsWith('.'))
        .Where(NiftiFileName.IsNifti)
        .Order(StringComparer.Ordinal)
        .ToList();

    public string IdAt(int index)
    {
        var (c, z) = Locate(index);
        return $"{Cases[c].Id}#{z}";
    }

    public SegmentationSample Load(int index)
    {
        var (c, z) = Locate(index);
        var (image, labels) = VolumesOf(c);
        return new SegmentationSample($"{Cases[c].Id}#{z}",
            NiftiSlices.Image(image, z, this.scale),
            NiftiSlices.Mask(labels, image.Nx, image.Ny, z));
    }

    /// <summary>(case, slice) of sample <paramref name="index"/>.</summary>
    private (int Case, int Slice) Locate(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"sample {index} is outside 0..{Count - 1}");
        int found = Array.BinarySearch(firstSample, index);
        // Several cases cannot share a first sample (each has at least one slice), so an exact hit is unique.
        int c = found >= 0 ? found : ~found - 1;
        return (c, index - firstSample[c]);
    }

    /// <summary>The voxels of one case; the last case loaded stays cached, as samples are usually read in order.</summary>
    private (NiftiVolume Image, byte[] Labels) VolumesOf(int c)
    {
        lock (cacheLock)
        {
            if (this.cached is { } hit && hit.Case == c) return (hit.Image, hit.Labels);
            var entry = Cases[c];
            var image = NonFiniteVoxels.RequireFinite(NiftiReader.Read(entry.ImagePath), entry.ImagePath);
            var labels = NiftiSlices.CheckedLabels(NiftiReader.Read(entry.MaskPath), Labels, entry.MaskPath);
            this.cached = (c, image, labels);
            return (image, labels);
        }
    }
}

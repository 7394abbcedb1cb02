using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Labels;

namespace CovidSeg.Data;

/// <summary>
/// The MedSeg COVID-19 CT segmentation data set (medicalsegmentation.com/covid19, the 100 slices the Residual
/// Attention U-Net paper trains on): one NIfTI stack of axial slices <c>tr_im.nii.gz</c> (512x512xN, Hounsfield
/// units) and its label stack <c>tr_mask.nii.gz</c> (0 background, 1 ground-glass opacity, 2 consolidation,
/// 3 pleural effusion). Each slice is one sample with id "tr_im#k". Slices are taken without any flip; see
/// <see cref="NiftiSlices"/> for the orientation convention. Headers are read at construction; the voxels on
/// the first <see cref="Load"/>, then kept in memory.
/// </summary>
public sealed class MedSegDataset : ISegmentationDataset
{
    public const string ImageFileName = "tr_im.nii.gz";
    public const string MaskFileName = "tr_mask.nii.gz";

    private readonly string stem;
    private readonly Lazy<NiftiVolume> image;
    private readonly Lazy<byte[]> labels;

    public string ImagePath { get; }
    public string MaskPath { get; }
    /// <summary>Header of the image stack: the reference grid for writing predicted label stacks back.</summary>
    public NiftiHeader ImageHeader { get; }
    public int Width { get; }
    public int Height { get; }

    public MedSegDataset(string imagePath, string maskPath)
    {
        ImagePath = imagePath;
        MaskPath = maskPath;
        ImageHeader = NiftiReader.ReadHeader(imagePath);
        var maskHeader = NiftiReader.ReadHeader(maskPath);
        NiftiSlices.CheckSameSize(ImageHeader, imagePath, maskHeader, maskPath);
        (Width, Height, Count) = NiftiVolume.SpatialSize(ImageHeader);
        this.stem = NiftiFileName.Stem(imagePath);
        this.image = new Lazy<NiftiVolume>(() => NonFiniteVoxels.RequireFinite(NiftiReader.Read(imagePath), imagePath));
        labels = new Lazy<byte[]>(() => NiftiSlices.CheckedLabels(NiftiReader.Read(maskPath), LabelSet.MedSeg, maskPath));
    }

    /// <summary>The stacks in <paramref name="folder"/>: tr_im.nii.gz and tr_mask.nii.gz (or the uncompressed .nii).</summary>
    public static MedSegDataset FromFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new InvalidInputException(folder, "folder does not exist");
        return new MedSegDataset(Find(folder, "tr_im"), Find(folder, "tr_mask"));
    }

    private static string Find(string folder, string stem)
    {
        foreach (string ext in new[] { ".nii.gz", ".nii" })
        {
            string path = Path.Combine(folder, stem + ext);
            if (File.Exists(path)) return path;
        }
        throw new InvalidInputException(folder, $"no {stem}.nii.gz (or {stem}.nii) here; a MedSeg folder holds {ImageFileName} and {MaskFileName}");
    }

    public string Source => ImagePath;
    public LabelSet Labels => LabelSet.MedSeg;
    public int Count { get; }

    public string IdAt(int index)
    {
        CheckIndex(index);
        return $"{this.stem}#{index}";
    }

    public SegmentationSample Load(int index)
    {
        CheckIndex(index);
        var image = NiftiSlices.Image(this.image.Value, index, IntensityScale.Hounsfield);
        var mask = NiftiSlices.Mask(labels.Value, Width, Height, index);
        return new SegmentationSample(IdAt(index), image, mask);
    }

    private void CheckIndex(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"sample {index} is outside 0..{Count - 1}");
    }
}

using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;
using CovidSeg.Labels;

namespace CovidSeg.Cli.Viewer;

/// <summary>
/// One input as the viewer shows it, read once from disk and kept server-side: the grey image or volume, the
/// predicted labels and, with --gt, the truth. Slices are cut from it on request; the page never gets the volume.
/// </summary>
public sealed class ViewerScan
{
    private readonly NiftiVolume? volume;
    private readonly GreyImage? slice;

    private ViewerScan(int width, int height, int depth, NiftiVolume? volume, GreyImage? slice, byte[] labels, byte[]? truth, double? pixelAreaMm2, string? note)
    {
        (Width, Height, Depth, this.volume, this.slice, Labels, Truth, PixelAreaMm2, Note) = (width, height, depth, volume, slice, labels, truth, pixelAreaMm2, note);
    }

    public int Width { get; }
    public int Height { get; }
    public int Depth { get; }
    /// <summary>Labels, x fastest, then y, then z.</summary>
    public byte[] Labels { get; }
    public byte[]? Truth { get; }
    /// <summary>Area of one pixel in mm², when the input says.</summary>
    public double? PixelAreaMm2 { get; }
    /// <summary>Why the grey image is missing (labels are then drawn over mid grey), or null.</summary>
    public string? Note { get; }
    /// <summary>The grey values are Hounsfield units, so window presets apply.</summary>
    public bool Hounsfield => this.volume is not null;

    /// <summary>Reads the scan of <paramref name="entry"/>; a missing or unreadable input still shows its labels.</summary>
    public static ViewerScan Load(ViewerEntry entry, LabelSet labels)
    {
        string maskPath = entry.MaskPath ?? throw new CovidSegException($"{entry.Name}: no label file among its outputs");
        NiftiVolume? volume = null;
        GreyImage? slice = null;
        var (predicted, width, height, depth) = ReadLabelFile(maskPath, labels);

        string? note = null;
        string? input = entry.ResolvedInput;
        try
        {
            if (input is null) note = $"input {entry.Input} not found: labels are shown over grey";
            else if (NiftiFileName.IsNifti(input)) volume = NiftiReader.Read(input);
            else if (Predictor.IsDicom(input)) volume = DicomSeriesLoader.Load(input).ToVolume();
            else slice = ImageFile.ReadGrey(input);
        }
        catch (CovidSegException e)
        {
            note = $"input unreadable ({e.Message}): labels are shown over grey";
        }
        if (volume is not null) NonFiniteVoxels.ReplaceWithAir(volume.Data);
        int gw = volume?.Nx ?? slice?.Width ?? width, gh = volume?.Ny ?? slice?.Height ?? height, gd = volume?.Nz ?? (slice is null ? depth : 1);
        if ((volume is not null || slice is not null) && (gw, gh, gd) != (width, height, depth))
        {
            note = $"input {entry.Input} is {gw}x{gh}x{gd} but its labels are {width}x{height}x{depth}: labels are shown over grey";
            (volume, slice) = (null, null);
        }

        byte[]? truth = entry.TruthPath is { } t ? ReadTruth(t, labels, width, height, depth) : null;
        var spacing = volume is not null ? NiftiSlices.SpacingOf(volume.Header) : slice?.SpacingMm;
        return new ViewerScan(width, height, depth, volume, slice, predicted, truth, spacing is { } s ? s.X * s.Y : null, note);
    }

    /// <summary>A label volume (NIfTI) or label slice (PNG) with its size; labels outside the set are refused.</summary>
    private static (byte[] Labels, int Width, int Height, int Depth) ReadLabelFile(string path, LabelSet labels)
    {
        if (NiftiFileName.IsNifti(path))
        {
            var volume = NiftiReader.Read(path);
            return (NiftiSlices.CheckedLabels(volume, labels, path), volume.Nx, volume.Ny, volume.Nz);
        }
        var mask = ImageFile.ReadLabels(path, labels);
        return (mask.Labels, mask.Width, mask.Height, 1);
    }

    private static byte[] ReadTruth(string path, LabelSet labels, int width, int height, int depth)
    {
        var (truth, tw, th, td) = ReadLabelFile(path, labels);
        if ((tw, th, td) != (width, height, depth))
            throw new InvalidInputException(path, $"ground truth is {tw}x{th}x{td} but the prediction is {width}x{height}x{depth}");
        return truth;
    }

    /// <summary>Grey slice <paramref name="z"/>: the input's, or mid grey when it is missing.</summary>
    public GreyImage Slice(int z)
    {
        if (this.volume is not null) return NiftiSlices.Image(this.volume, z, IntensityScale.Hounsfield);
        if (this.slice is not null) return this.slice;
        return new GreyImage(Width, Height, Enumerable.Repeat(128f, Width * Height).ToArray(), IntensityScale.Display8Bit);
    }

    /// <summary>Labels of slice <paramref name="z"/> from the prediction or the truth.</summary>
    public LabelMask Mask(int z, bool truth) => NiftiSlices.Mask(truth ? Truth! : Labels, Width, Height, z);

    /// <summary>Lesion (non-background) pixels on each slice.</summary>
    public long[] LesionPixelsPerSlice(bool truth = false)
    {
        byte[] source = truth ? Truth! : Labels;
        int plane = Width * Height;
        var counts = new long[Depth];
        for (int z = 0; z < Depth; z++) counts[z] = plane - source.AsSpan(z * plane, plane).Count((byte)0);
        return counts;
    }

    /// <summary>Dice of each lesion class over the whole image or volume (<see cref="OverlapScores"/> conventions).</summary>
    public IReadOnlyList<double> DicePerLesionClass(LabelSet labels)
    {
        var matrix = ConfusionMatrix.FromLabels(Truth!, Labels, labels.Count, "viewer");
        return labels.Lesions.Select(c => OverlapScores.ForClass(matrix, c.Index).Dice).ToList();
    }
}

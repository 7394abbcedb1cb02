using CovidSeg.Data;
using CovidSeg.PostProcessing;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;
using CovidSeg.IO;

namespace CovidSeg.Inference;

/// <summary>Settings of <see cref="Predictor"/>.</summary>
/// <param name="OutputDirectory">Where masks, overlays and reports go.</param>
/// <param name="WriteOverlays">Also write NAME_overlay.png files (the HTML report embeds overlays either way).</param>
/// <param name="LungMaskPath">A lung mask file (non-zero = lung, same size as each input) or a folder holding one per
/// input named like it (NAME.png, NAME.nii.gz or NAME.nii); null = compute one (<see cref="LungMask"/>).</param>
/// <param name="VolumeOverlaySlices">How many slices of a volume get an overlay: those with the most lesion.</param>
/// <param name="MaxPixels">Largest PNG/JPEG accepted, checked from its header before decoding (<see cref="ImageFile.DefaultMaxPixels"/>).</param>
/// <param name="SeriesUid">For DICOM folders holding several series: the Series Instance UID to segment.</param>
/// <param name="OverlayStyle">Overlays fill each lesion or outline it (the texture inside stays visible).</param>
public sealed record PredictionOptions(string OutputDirectory, bool WriteOverlays = false, int BatchSize = Segmenter.DefaultBatchSize,
    string? LungMaskPath = null, int VolumeOverlaySlices = 3, long MaxPixels = ImageFile.DefaultMaxPixels, string? SeriesUid = null,
    OverlayStyle OverlayStyle = OverlayStyle.Fill, DecisionOffsets? Offsets = null);

/// <summary>
/// <c>covidseg predict</c> for a list of inputs: PNG/JPEG slices (8-bit display grey levels), NIfTI 2D/3D images and
/// DICOM CT series (Hounsfield units, segmented slice by slice). Per input it writes the label mask (NAME.png at the
/// input's size, or NAME.nii.gz on the input's voxel grid via <see cref="NiftiWriter.WriteLabelsLike"/>; for DICOM
/// also NAME_seg.dcm, a DICOM Segmentation of the series via <see cref="SegmentationWriter"/>), optional
/// overlays, NAME.json and NAME.md (<see cref="InfectionQuantification"/>); at the end DIR/summary.csv and
/// DIR/report.html (<see cref="PredictionReports"/>). Every file is written under a temporary name and renamed.
/// An input that fails is reported with its error and the others still run.
/// </summary>
public sealed class Predictor
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];
    private readonly Segmenter segmenter;

    public Predictor(Ensemble model, PredictionOptions options)
    {
        Options = options;
        segmenter = new Segmenter(model, options.BatchSize) { Offsets = options.Offsets };
    }

    public PredictionOptions Options { get; }
    public Ensemble Model => segmenter.Model;
    /// <summary>Time spent preparing, running the network and restoring labels, over every input so far.</summary>
    public InferenceClock SegmentationClock => segmenter.Clock;

    /// <summary>
    /// Inputs to segment: each file as given; each folder's images and NIfTI files (not recursive) in natural order,
    /// or, when it has none of those but holds DICOM files (at any depth), the folder itself as one DICOM series.
    /// A file named twice (directly or through its folder) is segmented once.
    /// </summary>
    public static IReadOnlyList<string> ExpandInputs(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (!Directory.Exists(path))
            {
                files.Add(path); // a missing file fails on its own, with its name
                continue;
            }
            var found = Directory.GetFiles(path).Where(IsSupportedName).OrderBy(f => Path.GetFileName(f), new NaturalStringComparer()).ToList();
            if (found.Count == 0) files.Add(path); // one DICOM series, or reported as a failure: nothing to segment there
            files.AddRange(found);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return files.Where(f => seen.Add(Path.GetFullPath(f))).ToList();
    }

    public static bool IsSupportedName(string path) =>
        NiftiFileName.IsNifti(path) || ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>A DICOM input: a folder holding Part 10 files, a <c>.dcm</c> file, or any file with the Part 10 signature.</summary>
    public static bool IsDicom(string path)
    {
        if (Directory.Exists(path)) return DicomSeriesLoader.IsDicomInput(path);
        if (Path.GetExtension(path).Equals(".dcm", StringComparison.OrdinalIgnoreCase)) return true;
        // Scanners often write extension-less files: look for the signature, but never in a file named as another format.
        return !IsSupportedName(path) && DicomFileReader.HasPart10Signature(path);
    }

    /// <summary>
    /// Segments every input, then writes summary.csv and report.html; never throws for a bad input. Inputs whose outputs
    /// would share a name are refused before anything is written (<see cref="OutputNames.CheckUnique"/>).
    /// </summary>
    public IReadOnlyList<PredictionOutcome> PredictAll(IEnumerable<string> inputs, Action<PredictionOutcome>? done = null)
    {
        var files = ExpandInputs(inputs);
        OutputNames.CheckUnique(files, Options.OutputDirectory, Options.WriteOverlays);
        OutputFolder.Create(Options.OutputDirectory);
        AtomicFile.RemoveLeftovers(Options.OutputDirectory); // of an earlier predict that was killed
        var outcomes = new List<PredictionOutcome>();
        foreach (string input in files)
        {
            PredictionOutcome outcome;
            try
            {
                outcome = PredictOne(input);
            }
            catch (CovidSegException e)
            {
                outcome = new PredictionOutcome(input, null, e.Message, []);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug or an unexpected library failure on one input must not cost the others their results.
                outcome = new PredictionOutcome(input, null, $"{input}: unexpected {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}", []);
            }
            outcomes.Add(outcome);
            done?.Invoke(outcome);
        }
        PredictionReports.Write(Options.OutputDirectory, outcomes, Model.Labels, Model.Members.Select(m => m.RunDirectory).ToList(), Model.Tta, Model.Precision);
        return outcomes;
    }

    /// <summary>Segments one file and writes its outputs; bad input raises <see cref="InvalidInputException"/>.</summary>
    public PredictionOutcome PredictOne(string input)
    {
        if (Directory.Exists(input))
            return IsDicom(input) ? PredictDicom(input) : throw new InvalidInputException(input, "folder holds no PNG, JPEG, NIfTI or DICOM file");
        if (!File.Exists(input)) throw new InvalidInputException(input, "file not found");
        if (NiftiFileName.IsNifti(input)) return PredictNifti(input);
        return IsDicom(input) ? PredictDicom(input) : PredictImage(input);
    }

    private PredictionOutcome PredictImage(string input)
    {
        var clock = new PredictionClock();
        var image = ImageFile.ReadGrey(input, Options.MaxPixels);
        clock.Lap(PredictionClock.Step.Read);
        var labels = segmenter.Segment(image);
        clock.Lap(PredictionClock.Step.Segmentation);
        string stem = InputStem.Of(input);
        var outputs = new List<string> { stem + ".png" };
        ImageFile.WriteLabels(Path.Combine(Options.OutputDirectory, stem + ".png"), labels);
        clock.Lap(PredictionClock.Step.QuantificationAndWrite);

        var (lung, method) = LungFor(input, image.Width, image.Height, 1, () =>
        {
            var computed = LungMask.For(image);
            return (computed.Mask.Labels, computed.Method);
        });
        clock.Lap(PredictionClock.Step.LungMask);
        var png = Overlay.Picture(image, labels, Model.Labels, new OverlayOptions(Style: Options.OverlayStyle)).ToPng();
        if (Options.WriteOverlays)
        {
            AtomicFile.WriteAllBytes(Path.Combine(Options.OutputDirectory, stem + "_overlay.png"), png);
            outputs.Add(stem + "_overlay.png");
        }
        clock.Lap(PredictionClock.Step.Overlays);
        double[]? spacing = image.SpacingMm is { } s ? [s.X, s.Y] : null;
        var report = InfectionQuantification.Compute(input, labels.Labels, lung, image.Width, image.Height, 1, spacing, Model.Labels, method);
        clock.Lap(PredictionClock.Step.QuantificationAndWrite);
        return Finish(stem, report with { Timings = clock.Timings() }, outputs, [new RenderedOverlay(Path.GetFileName(input), png)]);
    }

    private PredictionOutcome PredictNifti(string input)
    {
        var clock = new PredictionClock();
        var volume = NiftiReader.Read(input);
        var notes = new List<string>();
        long nonFinite = NonFiniteVoxels.ReplaceWithAir(volume.Data);
        if (nonFinite == volume.VoxelCount)
            throw new InvalidInputException(input, $"all {nonFinite} voxels are NaN or infinite: there is no image to segment");
        if (nonFinite > 0) notes.Add(NonFiniteVoxels.Note(nonFinite, volume.VoxelCount));
        if (volume.Header.SclSlope == 0)
            notes.Add("scl_slope is 0, which NIfTI-1 defines as no scaling: stored values were used as Hounsfield units");
        clock.Lap(PredictionClock.Step.Read);
        return PredictVolume(input, InputStem.Of(input), volume, clock, notes, (_, _, _) => { });
    }

    /// <summary>
    /// A DICOM CT series (folder) or file: read into Hounsfield units on the series' grid, then the same outputs as a
    /// NIfTI volume plus NAME_seg.dcm, a DICOM Segmentation in the source study (none when no lesion is found).
    /// </summary>
    private PredictionOutcome PredictDicom(string input)
    {
        var clock = new PredictionClock();
        var series = DicomSeriesLoader.Load(input, Options.SeriesUid);
        var volume = series.ToVolume();
        clock.Lap(PredictionClock.Step.Read);
        string stem = InputStem.Of(input);
        return PredictVolume(input, stem, volume, clock, [], (labels, outputs, notes) =>
        {
            var classes = Model.Labels.Lesions.Select(c => new SegmentClass((byte)c.Index, c.Name, c.R, c.G, c.B)).ToList();
            string name = stem + "_seg.dcm";
            string algorithm = "CovidSeg " + string.Join("+", Model.Members.Select(m => m.Manifest.Model.Arch).Distinct());
            var written = SegmentationWriter.Write(Path.Combine(Options.OutputDirectory, name), series, labels, classes, algorithm, DateTime.Now);
            if (written is null)
            {
                notes.Add("no lesion found, so no DICOM Segmentation was written (it needs at least one segment)");
                return;
            }
            outputs.Add(name);
            notes.Add($"DICOM Segmentation {name}: series {written.SeriesInstanceUid}, {written.Frames} frames, {written.SegmentLabels.Count} segment(s), in study {series.StudyInstanceUid}");
        });
    }

    /// <summary>Segments a Hounsfield volume and writes its label volume, overlays and reports; <paramref name="alsoWrite"/> adds outputs and notes.</summary>
    private PredictionOutcome PredictVolume(string input, string stem, NiftiVolume volume, PredictionClock clock, List<string> notes, Action<byte[], List<string>, List<string>> alsoWrite)
    {
        var labels = segmenter.SegmentVolume(volume, IntensityScale.Hounsfield);
        clock.Lap(PredictionClock.Step.Segmentation);
        var outputs = new List<string> { stem + ".nii.gz" };
        NiftiWriter.WriteLabelsLike(Path.Combine(Options.OutputDirectory, stem + ".nii.gz"), volume.Header, labels);
        alsoWrite(labels, outputs, notes);
        clock.Lap(PredictionClock.Step.QuantificationAndWrite);

        int plane = volume.Nx * volume.Ny;
        var (lung, method) = LungFor(input, volume.Nx, volume.Ny, volume.Nz, () =>
        {
            // Slices are independent: one per thread (as many as libtorch is given), each writing its own part.
            var mask = new byte[labels.Length];
            Parallel.For(0, volume.Nz, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, TorchSharp.torch.get_num_threads()) }, z =>
                LungMask.FromHounsfield(NiftiSlices.Image(volume, z, IntensityScale.Hounsfield)).Mask.Labels.CopyTo(mask, (long)z * plane));
            return (mask, LungMask.HounsfieldMethod + ", slice by slice");
        });
        clock.Lap(PredictionClock.Step.LungMask);

        // Overlays of the slices with the most lesion (lowest index first on ties).
        var lesionPerSlice = new long[volume.Nz];
        for (int z = 0; z < volume.Nz; z++)
            lesionPerSlice[z] = plane - labels.AsSpan((int)((long)z * plane), plane).Count((byte)0);
        var chosen = Enumerable.Range(0, volume.Nz).OrderByDescending(z => lesionPerSlice[z]).ThenBy(z => z)
            .Take(Math.Min(Options.VolumeOverlaySlices, volume.Nz)).OrderBy(z => z).ToList();
        var overlays = new List<RenderedOverlay>();
        foreach (int z in chosen)
        {
            var slice = NiftiSlices.Image(volume, z, IntensityScale.Hounsfield);
            var png = Overlay.Picture(slice, NiftiSlices.Mask(labels, volume.Nx, volume.Ny, z), Model.Labels, new OverlayOptions(Style: Options.OverlayStyle)).ToPng();
            string caption = volume.Nz > 1 ? $"slice {z} ({lesionPerSlice[z]} lesion pixels)" : Path.GetFileName(input);
            overlays.Add(new RenderedOverlay(caption, png));
            if (Options.WriteOverlays)
            {
                string name = volume.Nz > 1 ? $"{stem}_z{z:D3}_overlay.png" : $"{stem}_overlay.png";
                AtomicFile.WriteAllBytes(Path.Combine(Options.OutputDirectory, name), png);
                outputs.Add(name);
            }
        }

        clock.Lap(PredictionClock.Step.Overlays);

        double[]? spacing = VoxelSize(volume, notes);
        var report = InfectionQuantification.Compute(input, labels, lung, volume.Nx, volume.Ny, volume.Nz, spacing, Model.Labels, method, notes);
        clock.Lap(PredictionClock.Step.QuantificationAndWrite);
        return Finish(stem, report with { Timings = clock.Timings() }, outputs, overlays);
    }

    private PredictionOutcome Finish(string stem, InfectionQuantification report, List<string> outputs, IReadOnlyList<RenderedOverlay> overlays)
    {
        outputs.Add(stem + ".json");
        outputs.Add(stem + ".md");
        report = report with { Outputs = outputs, Precision = Model.Precision.Name, PrecisionReason = Model.Precision.Reason };
        AtomicFile.WriteAllText(Path.Combine(Options.OutputDirectory, stem + ".json"), report.ToJson());
        AtomicFile.WriteAllText(Path.Combine(Options.OutputDirectory, stem + ".md"), report.ToMarkdown());
        return new PredictionOutcome(report.Input, report, null, overlays);
    }

    /// <summary>Voxel size in mm from pixdim and xyzt_units; null (with a note) when a size is not a positive number.</summary>
    internal static double[]? VoxelSize(NiftiVolume volume, List<string> notes)
    {
        var h = volume.Header;
        int count = volume.Nz > 1 ? 3 : 2;
        var sizes = Enumerable.Range(1, count).Select(i => (double)h.PixDim[i]).ToArray();
        if (sizes.Any(s => !double.IsFinite(s) || s <= 0))
        {
            notes.Add($"pixdim {string.Join(", ", sizes)} is not a usable voxel size");
            return null;
        }
        double scale = (h.XyztUnits & 7) switch
        {
            1 => 1000.0,  // metres
            2 => 1.0,     // millimetres
            3 => 0.001,   // micrometres
            _ => double.NaN,
        };
        if (double.IsNaN(scale))
        {
            notes.Add("xyzt_units does not name a space unit; pixdim is taken as millimetres, as ITK and 3D Slicer do");
            scale = 1.0;
        }
        return sizes.Select(s => s * scale).ToArray();
    }

    /// <summary>The lung mask for an input: the user's (file or folder) or the computed one.</summary>
    private (byte[] Mask, string Method) LungFor(string input, int nx, int ny, int nz, Func<(byte[] Mask, string Method)> compute)
    {
        if (Options.LungMaskPath is not { } given) return compute();
        string path = given;
        if (Directory.Exists(given))
        {
            string stem = InputStem.Of(input);
            path = new[] { ".png", ".nii.gz", ".nii" }.Select(ext => Path.Combine(given, stem + ext)).FirstOrDefault(File.Exists)
                ?? throw new InvalidInputException(given, $"no lung mask for {Path.GetFileName(input)} (expected {stem}.png, {stem}.nii.gz or {stem}.nii)");
        }
        byte[] mask;
        int mx, my, mz;
        if (NiftiFileName.IsNifti(path))
        {
            var v = NiftiReader.Read(path);
            (mx, my, mz) = (v.Nx, v.Ny, v.Nz);
            mask = v.Data.Select(f => f != 0 ? (byte)1 : (byte)0).ToArray();
        }
        else
        {
            var m = ImageFile.ReadLabels(path, maxPixels: Options.MaxPixels);
            (mx, my, mz) = (m.Width, m.Height, 1);
            mask = m.Labels.Select(b => b != 0 ? (byte)1 : (byte)0).ToArray();
        }
        if ((mx, my, mz) != (nx, ny, nz))
            throw new InvalidInputException(path, $"lung mask is {mx}x{my}x{mz} but {Path.GetFileName(input)} is {nx}x{ny}x{nz}");
        return (mask, $"given: {path}");
    }
}

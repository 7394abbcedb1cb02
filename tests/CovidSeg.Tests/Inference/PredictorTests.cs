using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;
using CovidSeg.Training;
using CovidSeg.Labels;
using CovidSeg.PostProcessing;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Inference;

public class PredictorTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    private static GreyImage Display8(GreyImage hu) =>
        new(hu.Width, hu.Height, Array.ConvertAll(GreyLevels.ToDisplay8(hu), b => (float)b), IntensityScale.Display8Bit);

    [Fact]
    public void PredictedPngHasTheOriginalSizeAndOnlyKnownLabels()
    {
        using var folder = new TempFolder();
        var slice = ChestPhantom.GenerateSlice(41, new PhantomOptions { Size = 70 });
        // A non-square 8-bit slice: crop 70 x 55.
        var hu = slice.Image;
        var pixels = GreyLevels.ToDisplay8(hu).Take(70 * 55).Select(b => (float)b).ToArray();
        string input = folder.File("slice.png");
        ImageFile.WriteGrey8(input, 70, 55, pixels.Select(p => (byte)p).ToArray());
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcome = new Predictor(ensemble, new PredictionOptions(folder.File("out"), WriteOverlays: true)).PredictOne(input);
        Assert.True(outcome.Succeeded);
        var mask = ImageFile.ReadLabels(Path.Combine(folder.File("out"), "slice.png"), LabelSet.MedSeg);
        Assert.Equal((70, 55), (mask.Width, mask.Height));
        Assert.True(File.Exists(Path.Combine(folder.File("out"), "slice_overlay.png")));
        Assert.Equal(70 * 55, outcome.Report!.Classes.Sum(c => c.Pixels) + mask.CountPerClass(4)[0]);
    }

    [Fact]
    public void PredictedValidationLabelsGiveTheDiceTheTrainerComputed()
    {
        var manifest = RunManifest.Load(run.RunDirectory);
        var best = manifest.History.Single(h => h.Epoch == manifest.BestEpoch);
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var segmenter = new Segmenter(ensemble, batchSize: 8);
        var samples = TrainedRunFixture.ValidationIndices.Select(run.Data.Load).ToList();
        var predicted = segmenter.SegmentAll(samples.Select(s => s.Image)).ToList();
        var metrics = new MetricsAccumulator(LabelSet.MedSeg);
        for (int i = 0; i < samples.Count; i++) metrics.Add(samples[i].Id, samples[i].Mask, predicted[i]);
        var report = metrics.ToReport();
        Assert.Equal(best.ValidationDice, report.MeanOverImages.PerClass.Select(c => c.Scores.Dice).ToArray());
        Assert.Equal(best.ValidationGlobalLesionDice, report.Global.LesionMean.Dice);
    }

    [Fact]
    public void NiftiVolumeInGivesALabelVolumeOnTheSameGrid()
    {
        using var folder = new TempFolder();
        var phantom = ChestPhantom.GenerateVolume(48, 40, 5, seed: 9);
        var header = NiftiHeader.Create(48, 40, 5, phantom.SpacingMm.X, phantom.SpacingMm.Y, phantom.SpacingMm.Z);
        header.QOffsetX = -12.5f;
        header.SRowX[3] = -12.5f;
        string input = folder.File("chest.nii.gz");
        NiftiWriter.Write(input, new NiftiVolume(header, phantom.Hounsfield), NiftiDataType.Int16);
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcomes = new Predictor(ensemble, new PredictionOptions(folder.File("out"), WriteOverlays: true, BatchSize: 2)).PredictAll([input]);
        Assert.True(outcomes.Single().Succeeded, outcomes.Single().Error);
        var original = NiftiReader.Read(input);
        var labels = NiftiReader.Read(Path.Combine(folder.File("out"), "chest.nii.gz"));
        Assert.Equal(original.Header.Dim, labels.Header.Dim);
        Assert.Equal(original.Header.PixDim, labels.Header.PixDim);
        Assert.Equal(original.Affine(), labels.Affine());
        Assert.Equal(NiftiVolume.QformAffine(original.Header), NiftiVolume.QformAffine(labels.Header));
        Assert.All(labels.Data, v => Assert.InRange(v, 0, 3));
        var report = outcomes.Single().Report!;
        Assert.Equal("volume", report.Kind);
        double voxelMl = phantom.SpacingMm.X * phantom.SpacingMm.Y * phantom.SpacingMm.Z / 1000;
        Assert.Equal(report.Classes[0].Pixels * voxelMl, report.Classes[0].VolumeMl!.Value, 9);
        Assert.Equal(3, outcomes.Single().Overlays.Count);
        // The time taken, step by step: every step measured, and the steps add up to the total.
        var t = report.Timings!;
        double[] steps = [t.ReadSeconds, t.SegmentationSeconds, t.LungMaskSeconds, t.OverlaySeconds, t.QuantificationAndWriteSeconds];
        Assert.All(steps, s => Assert.True(s > 0, $"a step took {s} s"));
        Assert.Equal(t.TotalSeconds, steps.Sum(), 9);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.File("out"), "chest.json")));
        var timings = json.RootElement.GetProperty("timings");
        Assert.Equal(t.LungMaskSeconds, timings.GetProperty("lung_mask_seconds").GetDouble());
        Assert.Equal(t.TotalSeconds, timings.GetProperty("total_seconds").GetDouble());
        Assert.Contains($"lung mask {InfectionQuantification.F(t.LungMaskSeconds)}", File.ReadAllText(Path.Combine(folder.File("out"), "chest.md")));
        Assert.True(File.Exists(Path.Combine(folder.File("out"), PredictionReports.HtmlFile)));
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(folder.File("out"), PredictionReports.HtmlFile)));
    }

    [Fact]
    public void AnEnsembleOfTheSameRunTwiceEqualsTheRun()
    {
        var slices = Enumerable.Range(0, 3).Select(i => Display8(ChestPhantom.GenerateSlice(60 + i, new PhantomOptions { Size = 64 }).Image)).ToList();
        using var single = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        using var twice = Ensemble.Load([run.RunDirectory, run.RunDirectory], TestTimeAugmentation.None);
        Assert.Equal(ScoreKind.Probabilities, twice.Kind);
        var a = new Segmenter(single).SegmentAll(slices).ToList();
        var b = new Segmenter(twice).SegmentAll(slices).ToList();
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Labels, b[i].Labels);
    }

    [Fact]
    public void FlipAveragingKeepsTheShapeAndEqualsTheMeanOfFlippedPasses()
    {
        var slice = Display8(ChestPhantom.GenerateSlice(70, new PhantomOptions { Size = 52 }).Image);
        using var tta = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.Flips);
        using var scores = tta.Scores([slice]);
        Assert.Equal(new long[] { 1, 4, 48, 48 }, scores.shape);
        // Probabilities sum to one per pixel.
        using var sums = scores.sum(1);
        Assert.True(sums.allclose(TorchSharp.torch.ones_like(sums), rtol: 0, atol: 1e-5));
        var mask = new Segmenter(tta).Segment(slice);
        Assert.Equal((52, 52), (mask.Width, mask.Height));
    }

    [Fact]
    public void EachBadInputGetsItsMessageAndTheOthersStillSucceed()
    {
        using var folder = new TempFolder();
        string good = folder.File("good.png");
        ImageFile.WriteGrey8(good, Display8(ChestPhantom.GenerateSlice(5, new PhantomOptions { Size = 48 }).Image));
        string text = folder.File("notes.png");
        File.WriteAllText(text, "not an image");
        string empty = folder.File("empty.jpg");
        File.WriteAllBytes(empty, []);
        string fourD = folder.File("four.nii");
        NiftiWriter.Write(fourD, new NiftiVolume(NiftiHeader.Create(4, 4, 4), new float[64]), NiftiDataType.Float32);
        PatchDim(fourD);
        string missing = folder.File("missing.png");
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcomes = new Predictor(ensemble, new PredictionOptions(folder.File("out"))).PredictAll([text, good, empty, fourD, missing]);
        Assert.Equal(5, outcomes.Count);
        Assert.True(outcomes[1].Succeeded);
        Assert.Contains("not a PNG or JPEG", outcomes[0].Error);
        Assert.Contains("empty", outcomes[2].Error);
        Assert.Contains("4D", outcomes[3].Error);
        Assert.Contains("file not found", outcomes[4].Error);
        var csv = File.ReadAllLines(Path.Combine(folder.File("out"), PredictionReports.SummaryFile));
        Assert.Equal(6, csv.Length);
        Assert.Equal(4, csv.Count(l => l.Contains(",failed,")));
    }

    [Fact]
    public void MissingCorruptOrOtherLabelSetModelsAreRefusedClearly()
    {
        using var folder = new TempFolder();
        var missing = Assert.Throws<InvalidInputException>(() => Ensemble.Load([folder.File("nothing")], TestTimeAugmentation.None));
        Assert.Contains("not a CovidSeg run folder", missing.Message);
        var other = Assert.Throws<InvalidInputException>(() => Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None, LabelSet.SemiSeg));
        Assert.Contains("not the asked 3 classes", other.Message);

        // A copy of the run whose weights are garbage.
        string copy = folder.File("copy");
        foreach (var f in Directory.GetFiles(run.RunDirectory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(run.RunDirectory, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        var manifest = RunManifest.Load(copy);
        File.WriteAllBytes(Path.Combine(copy, manifest.BestCheckpoint!, "model.bin"), [1, 2, 3]);
        var corrupt = Assert.Throws<InvalidInputException>(() => TrainedModel.Load(copy));
        Assert.Contains("model.bin", corrupt.Message);
    }

    /// <summary>Rewrites dim[] of a little-endian .nii in place to 4D (4 x 4 x 2 x 2), which the reader must refuse.</summary>
    private static void PatchDim(string path)
    {
        var bytes = File.ReadAllBytes(path);
        short[] dim = [4, 4, 4, 2, 2, 1, 1, 1];
        for (int i = 0; i < 8; i++) BitConverter.TryWriteBytes(bytes.AsSpan(40 + 2 * i, 2), dim[i]);
        File.WriteAllBytes(path, bytes);
    }
}

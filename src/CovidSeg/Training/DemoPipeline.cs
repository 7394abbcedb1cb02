using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// <c>covidseg demo</c>'s pipeline on a labelled data set: hold out a quarter, train briefly, segment the held-out
/// slices through the same segmenter as <c>predict</c>, write masks, overlays and metrics. The command line adds
/// the phantom data set and the printing.
/// </summary>
public static class DemoPipeline
{
    /// <summary>Share of the slices held out for the final score.</summary>
    public const double HeldOutFraction = 0.25;

    /// <summary>The training the demo runs, with its held-out slices as validation: RUN = OUT/run.</summary>
    public static TrainingRequest Plan(DemoRequest demo)
    {
        var split = DataSplit.ByFraction(demo.Data.AllIds(), HeldOutFraction, demo.Seed);
        var (train, heldOut) = split.IndicesIn(demo.Data);
        var model = new ModelOptions { Arch = demo.Arch, Classes = demo.Data.Labels.Count };
        // Cross-entropy plus soft Dice: lesions cover about 1% of a phantom slice, and plain cross-entropy takes many
        // more steps than a demo has before it predicts them at all.
        var training = new TrainingOptions { Epochs = demo.Epochs, BatchSize = 4, LearningRate = 2e-3, Loss = LossKind.DiceCrossEntropy, Seed = demo.Seed, Threads = demo.Threads };
        return new TrainingRequest(demo.Data, train, heldOut, model, new PreprocessingOptions(Side: demo.NetworkSide), AugmentationMode.Online,
            training, Path.Combine(demo.OutputDirectory, "run"));
    }

    /// <summary>
    /// Trains <paramref name="plan"/> and, unless cancelled, scores its held-out slices: OUT/predictions and
    /// OUT/metrics.{json,csv,md}. The report is null when training was interrupted.
    /// </summary>
    public static (TrainingResult Training, MetricsReport? Report) Run(DemoRequest demo, TrainingRequest plan, ITrainingObserver observer, CancellationToken cancel)
    {
        var result = Trainer.Run(plan, observer, cancel);
        if (result.Interrupted) return (result, null);
        var report = SegmentHeldOut(demo.Data, plan.ValidationIndices, plan.RunDirectory, PredictionDirectory(demo));
        report.SaveAll(demo.OutputDirectory);
        return (result, report);
    }

    public static string PredictionDirectory(DemoRequest demo) => Path.Combine(demo.OutputDirectory, "predictions");

    /// <summary>Segments the held-out slices with the run's best checkpoint, through the same segmenter as
    /// <c>predict</c>; writes NAME.png, NAME_overlay.png and NAME_prediction_vs_truth.png (prediction left, truth right).</summary>
    public static MetricsReport SegmentHeldOut(ISegmentationDataset data, IReadOnlyList<int> heldOut, string runDir, string predDir)
    {
        using var model = Ensemble.Load([runDir], TestTimeAugmentation.None, data.Labels);
        var segmenter = new Segmenter(model);
        var metrics = new MetricsAccumulator(data.Labels);
        foreach (int i in heldOut)
        {
            var sample = data.Load(i);
            var predicted = segmenter.Segment(sample.Image);
            ImageFile.WriteLabels(Path.Combine(predDir, sample.Id + ".png"), predicted);
            var overlay = Overlay.Picture(sample.Image, predicted, data.Labels);
            ImageFile.WriteRgb(Path.Combine(predDir, sample.Id + "_overlay.png"), overlay.Width, overlay.Height, overlay.Rgb);
            // Prediction left, truth right, one legend: what the network got right and wrong at a glance.
            var pair = OverlayLegend.AppendStrip(SideBySide.Join(
                new RgbPicture(sample.Image.Width, sample.Image.Height, Overlay.Render(sample.Image, predicted, data.Labels)),
                new RgbPicture(sample.Image.Width, sample.Image.Height, Overlay.Render(sample.Image, sample.Mask, data.Labels))), data.Labels);
            ImageFile.WriteRgb(Path.Combine(predDir, sample.Id + "_prediction_vs_truth.png"), pair.Width, pair.Height, pair.Rgb);
            metrics.Add(sample.Id, sample.Mask, predicted);
        }
        return metrics.ToReport();
    }
}

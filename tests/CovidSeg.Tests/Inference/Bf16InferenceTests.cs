using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.Evaluation;
using CovidSeg.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Inference;

/// <summary>
/// bf16 inference against fp32 on phantom slices. bf16 kernels work on every x86 CPU libtorch runs on, only slowly
/// without bf16 instructions; at 48² with a width-8 U-Net (<see cref="LearnedRunFixture"/>) that is still well under a second, so the comparison runs
/// everywhere rather than being skipped.
/// </summary>
public class Bf16InferenceTests(LearnedRunFixture run, ITestOutputHelper output) : IClassFixture<LearnedRunFixture>
{
    [Fact]
    public void Bf16LabelsAgreeWithFp32OnPhantomSlices()
    {
        var data = new PhantomDataset(16, seed: 21, run.Options);
        var samples = Enumerable.Range(0, data.Count).Select(data.Load).ToList();
        var (fp32, fp32Dice) = Segment(PrecisionChoice.Fp32Asked, samples);
        var (bf16, bf16Dice) = Segment(new PrecisionChoice(ScalarType.BFloat16, "test"), samples);

        long agree = 0, total = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            total += fp32[i].Labels.Length;
            for (int p = 0; p < fp32[i].Labels.Length; p++)
                if (fp32[i].Labels[p] == bf16[i].Labels[p]) agree++;
        }
        double agreement = (double)agree / total;
        output.WriteLine($"agreement {agreement:P3} of {total} pixels; lesion Dice fp32 {fp32Dice:F4}, bf16 {bf16Dice:F4}");
        Assert.True(fp32Dice > 0.1, $"the fixture model should find lesions (lesion Dice {fp32Dice:F4}) for the Dice comparison to mean something");
        Assert.True(agreement >= 0.995, $"bf16 and fp32 labels agree on {agreement:P3} of {total} pixels");
        Assert.True(Math.Abs(bf16Dice - fp32Dice) <= 0.005, $"lesion Dice fp32 {fp32Dice:F4}, bf16 {bf16Dice:F4}");
    }

    [Fact]
    public void ABf16ModelHoldsBf16WeightsAndGivesFloat32Logits()
    {
        using var model = TrainedModel.Load(run.RunDirectory);
        Assert.Null(model.TryConvertToBf16());
        Assert.All(model.Network.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        using var scope = NewDisposeScope();
        var logits = model.Logits(zeros([1, 1, 48, 48]));
        Assert.Equal(ScalarType.Float32, logits.dtype);
        Assert.Equal([1L, 4, 48, 48], logits.shape);
    }

    [Fact]
    public void EveryReportRecordsThePrecision()
    {
        using var folder = new TempFolder();
        string input = folder.File("slice.png");
        CovidSeg.Imaging.ImageFile.WriteGrey8(input, ChestPhantom.GenerateSlice(3, run.Options).Image);
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None, precision: PrecisionChoice.Fp32Asked);
        new Predictor(ensemble, new PredictionOptions(folder.File("out"))).PredictAll([input]);
        string json = File.ReadAllText(Path.Combine(folder.File("out"), "slice.json"));
        Assert.Contains("\"precision\": \"fp32\",", json);
        Assert.Contains("\"precision_reason\": \"asked for with --precision fp32\"", json);
        Assert.Contains("Network precision: fp32 (asked for with --precision fp32).", File.ReadAllText(Path.Combine(folder.File("out"), "slice.md")));
        Assert.Contains("network precision fp32 (asked for with --precision fp32)", File.ReadAllText(Path.Combine(folder.File("out"), PredictionReports.HtmlFile)));
    }

    private (List<CovidSeg.Imaging.LabelMask> Masks, double LesionDice) Segment(PrecisionChoice precision, IReadOnlyList<SegmentationSample> samples)
    {
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None, precision: precision);
        Assert.Equal(precision.Name, ensemble.Precision.Name);
        var masks = new Segmenter(ensemble, batchSize: 4).SegmentAll(samples.Select(s => s.Image)).ToList();
        var metrics = new MetricsAccumulator(LabelSet.MedSeg);
        for (int i = 0; i < samples.Count; i++) metrics.Add(samples[i].Id, samples[i].Mask, masks[i]);
        return (masks, metrics.ToReport().Global.LesionMean.Dice);
    }
}

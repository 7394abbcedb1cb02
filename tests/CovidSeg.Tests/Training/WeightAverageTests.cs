using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Phantom;
using CovidSeg.Runs;
using CovidSeg.Training;
using CovidSeg.Training.SemiSupervised;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Training;

public class WeightAverageTests
{
    private static readonly ModelOptions Tiny = new() { Arch = Architectures.UNetName, Classes = 3, BaseWidth = 4, Depth = 2 };

    private static void Fill(nn.Module module, double value)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, p) in module.named_parameters()) p.fill_(value);
        foreach (var (_, b) in module.named_buffers()) b.fill_(value);
    }

    [Fact]
    public void TheAverageIsTheMeanOfTheAddedWeightsAndCountsTakeTheLatest()
    {
        using var source = ModelFactory.Create(Tiny, seed: 1);
        using var average = new WeightAverage(ModelFactory.Create(Tiny, seed: 2), source, count: 0);
        foreach (double value in new[] { 1.0, 2.0, 6.0 })
        {
            Fill(source, value);
            average.Add();
        }
        Assert.Equal(3, average.Count);
        foreach (var (name, p) in average.Network.named_parameters())
            Assert.All(p.data<float>().ToArray(), v => Assert.Equal(3f, v));
        foreach (var (name, b) in average.Network.named_buffers())
        {
            // Running means and variances are averaged; batch counts (integers) are the latest.
            if (b.is_floating_point()) Assert.All(b.data<float>().ToArray(), v => Assert.Equal(3f, v));
            else Assert.All(b.data<long>().ToArray(), v => Assert.Equal(6L, v));
        }
    }

    [Theory]
    [InlineData(0, 10, 3, 0)]
    [InlineData(7, 10, 3, 0)]
    [InlineData(8, 10, 3, 1)]
    [InlineData(10, 10, 3, 3)]
    [InlineData(10, 10, 0, 0)]
    [InlineData(5, 5, 5, 5)]
    public void TheAverageHoldsTheEpochsOfTheTailSoFar(int completed, int epochs, int last, int expected)
    {
        Assert.Equal(expected, WeightAverage.CountAfter(completed, epochs, last));
    }

    [Theory]
    [InlineData(0, 120, 20, 0)]
    [InlineData(30, 120, 20, 5)]
    [InlineData(1, 120, 20, 1)]
    [InlineData(120, 120, 20, 20)]
    [InlineData(30, 120, 10, 3)] // 2.5 rounds half away from zero, as "25%" of 10 epochs does on the command line
    public void AStudentAveragesTheSameShareOfItsEpochsAsItsTeacher(int teacherAverages, int teacherEpochs, int studentEpochs, int expected)
    {
        var teacher = new TrainingOptions { Epochs = teacherEpochs, AverageLastEpochs = teacherAverages };
        Assert.Equal(expected, SelfTraining.StudentEpochsToAverage(teacher, studentEpochs));
    }

    [Theory]
    [InlineData(-1, 0, "0 (off) to 5")]
    [InlineData(6, 0, "0 (off) to 5")]
    [InlineData(2, 3, "either --average-last or --early-stop")]
    public void OptionsThatCannotAverageAreRefused(int average, int patience, string message)
    {
        var options = new TrainingOptions { Epochs = 5, AverageLastEpochs = average, EarlyStoppingPatience = patience };
        var e = Assert.Throws<CovidSegException>(options.Validate);
        Assert.Contains(message, e.Message);
    }

    private static TrainingRequest Request(string runDir, int epochs, int averageLast, bool resume = false)
    {
        var data = new PhantomDataset(8, seed: 3, new PhantomOptions { Size = 48, GroundGlassProbability = 1, ConsolidationProbability = 1 });
        var model = new ModelOptions { Arch = Architectures.ResidualAttentionUNetName, Classes = data.Labels.Count, BaseWidth = 8, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 4), AttentionLevels = [0], Attention = new LshAttentionOptions(ChunkSize: 16, GammaInit: 0.5) };
        var training = new TrainingOptions { Epochs = epochs, BatchSize = 3, Seed = 5, Threads = 2, AverageLastEpochs = averageLast };
        return new TrainingRequest(data, [0, 1, 2, 3, 4, 5], [6, 7], model, new PreprocessingOptions(Side: 48), AugmentationMode.Online, training, runDir, resume);
    }

    private static float[] Weights(string runDir, string checkpoint, ModelOptions options)
    {
        using var model = ModelFactory.Create(options);
        CheckpointStore.LoadModel(runDir, checkpoint, model);
        return model.named_parameters().SelectMany(p => p.parameter.data<float>().ToArray())
            .Concat(model.named_buffers().Where(b => b.buffer.is_floating_point()).SelectMany(b => b.buffer.data<float>().ToArray())).ToArray();
    }

    [Fact]
    public void ARunAveragingItsLastTwoEpochsServesTheMeanOfTheirWeightsAndResumesToTheSameAverage()
    {
        using var folder = new TempFolder();
        string two = folder.File("two"), three = folder.File("three"), interrupted = folder.File("interrupted");
        // The constant schedule makes the first two epochs of a 3-epoch run the whole of a 2-epoch run.
        var short_ = Trainer.Run(Request(two, 2, 0), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        var full = Trainer.Run(Request(three, 3, 2), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        Assert.Null(short_.AveragedCheckpoint);
        Assert.Equal(Path.Combine("checkpoints", Trainer.AveragedCheckpointName), full.AveragedCheckpoint);

        var epoch2 = Weights(two, short_.LastCheckpoint!, short_.Model);
        var epoch3 = Weights(three, full.LastCheckpoint!, full.Model);
        var averaged = Weights(three, full.AveragedCheckpoint!, full.Model);
        Assert.NotEqual(epoch2, epoch3);
        for (int i = 0; i < averaged.Length; i++) Assert.Equal((epoch2[i] + epoch3[i]) / 2, averaged[i], 1e-6f);

        using (var served = TrainedModel.Load(three))
            Assert.Equal(full.AveragedCheckpoint, served.Checkpoint);

        // Stopped inside the averaged tail (epoch 3, after one step), the resumed run reaches the same average.
        using var cts = new CancellationTokenSource();
        Assert.True(Trainer.Run(Request(interrupted, 3, 2), new TrainerTests.CancelAfter(3, 1, cts), cts.Token).Interrupted);
        var resumed = Trainer.Run(Request(interrupted, 3, 2, resume: true), SilentTrainingObserver.Instance, CancellationToken.None).Manifest;
        Assert.Equal(averaged, Weights(interrupted, resumed.AveragedCheckpoint!, resumed.Model));
    }

    [Fact]
    public void CrossValidationScoresTheAverageAndReportsTheLastEpochBesideIt()
    {
        using var folder = new TempFolder();
        var data = new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32, GroundGlassProbability = 1 });
        var plan = new CrossValidationPlan(2, [Architectures.UNetName], [AugmentationMode.None],
            new ModelOptions { BaseWidth = 8, Depth = 2 }, new PreprocessingOptions(Side: 32),
            new TrainingOptions { Epochs = 3, BatchSize = 4, Seed = 3, AverageLastEpochs = 2 });
        var results = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);

        string lastEpochRow = Architectures.UNetName + CrossValidationPlan.LastEpochSuffix;
        Assert.Equal([Architectures.UNetName, lastEpochRow], plan.ReportedArchs);
        Assert.Equal(4, results.Count);
        foreach (int fold in new[] { 0, 1 })
        {
            string dir = CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, Architectures.UNetName, fold);
            var run = RunManifest.Load(dir);
            // Each row is scored with its own weights: rescoring them here gives the same Dice.
            double Rescore(string checkpoint)
            {
                using var model = ModelFactory.Create(run.Model);
                CheckpointStore.LoadModel(dir, checkpoint, model);
                using var slices = PreparedSlices.Load(data, data.AllIds().Select((id, i) => (id, i)).Where(p => run.Data.ValidationIds.Contains(p.id)).Select(p => p.i).ToList(), run.Preprocessing, fingerprint: null);
                return Validation.Run(model, slices, data.Labels).Report.MeanOverImages.LesionMean.Dice;
            }
            Assert.Equal(Rescore(run.AveragedCheckpoint!), results.Single(r => r.Fold == fold && r.Arch == Architectures.UNetName).Report.MeanOverImages.LesionMean.Dice, 12);
            Assert.Equal(Rescore(run.LastCheckpoint!), results.Single(r => r.Fold == fold && r.Arch == lastEpochRow).Report.MeanOverImages.LesionMean.Dice, 12);
        }
        string tables = CrossValidationTables.Markdown(results, plan, "cv", TimeSpan.FromMinutes(1));
        Assert.Contains("the average of its last 2 epochs' weights", tables);
        Assert.Contains("U-Net, last epoch", tables);
        Assert.DoesNotContain("Partial", tables);

        var rerun = CrossValidation.Run(data, plan, folder.Path, SilentTrainingObserver.Instance, CancellationToken.None);
        Assert.Equal(results.Select(r => (r.Arch, r.Report.MeanOverImages.LesionMean.Dice)), rerun.Select(r => (r.Arch, r.Report.MeanOverImages.LesionMean.Dice)));
    }
}

using System.Text.Json;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Data.Phantom;
using CovidSeg.Models;
using CovidSeg.Training;
using CovidSeg.Training.SemiSupervised;
using Xunit.Abstractions;

namespace CovidSeg.Tests.Training.SemiSupervised;

public class SelfTrainingTests(ITestOutputHelper output)
{
    /// <summary>
    /// The claim of self-training, on phantoms: a teacher trained on 4 labelled slices labels 60 unlabelled ones, and
    /// the student trained on both scores a clearly higher lesion Dice on 12 held-out slices than its teacher.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void UnlabelledPhantomsRaiseTheDiceOfAModelTrainedOnFewLabels()
    {
        using var folder = new TempFolder();
        var phantom = new PhantomOptions { Size = 64, GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 };
        PhantomExport.WriteSlices(folder.File("labelled"), new PhantomDataset(16, seed: 11, phantom));
        PhantomExport.WriteSlices(folder.File("unlabelled"), new PhantomDataset(60, seed: 12, phantom));
        var data = new FolderDataset(folder.File("labelled"), LabelSet.MedSeg);
        int[] train = [0, 1, 2, 3];
        int[] heldOut = Enumerable.Range(4, 12).ToArray();
        var teacher = new TrainingRequest(data, train, heldOut,
            new ModelOptions { Arch = ModelFactory.UNetName, Classes = data.Labels.Count, BaseWidth = 8, Depth = 3 },
            new PreprocessingOptions(Side: 64), AugmentationMode.Online,
            new TrainingOptions { Epochs = 60, BatchSize = 4, LearningRate = 3e-3, Seed = 7, Loss = LossKind.DiceCrossEntropy },
            folder.File("teacher"));
        var options = new PseudoLabelOptions(Threshold: 0.8, Slices: 40, Candidates: 0, MinConfidentFraction: 0.5, StudentEpochs: 8);

        var student = SelfTraining.Run(new SelfTrainingRequest(teacher, new UnlabelledImages(folder.File("unlabelled")), options, folder.File("student")),
            SilentTrainingObserver.Instance, CancellationToken.None);

        double teacherDice = RunManifest.Load(folder.File("teacher")).History[^1].ValidationGlobalLesionDice!.Value;
        double studentDice = student.Manifest.History[^1].ValidationGlobalLesionDice!.Value;
        output.WriteLine($"held-out lesion Dice (pooled): teacher {teacherDice:F3}, student {studentDice:F3}");
        Assert.True(studentDice > teacherDice + 0.05, $"student {studentDice:F3} is not clearly above its teacher {teacherDice:F3}");

        var trained = student.Manifest.Data.TrainIds;
        Assert.Equal(40, trained.Count(id => id.StartsWith(PseudoLabelledDataset.IdPrefix, StringComparison.Ordinal)));
        Assert.Equal(train.Select(data.IdAt).Order(), trained.Where(id => !id.StartsWith(PseudoLabelledDataset.IdPrefix, StringComparison.Ordinal)).Distinct().Order());
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.File("student"), SelfTraining.SummaryFile)));
        Assert.Equal(40, summary.RootElement.GetProperty("slices").GetArrayLength());
    }

    /// <summary>
    /// In cross-validation no held-out slice reaches a student: its training ids are its fold's training slices and
    /// pseudo-labels only, its teacher is the fold's own network, and it is scored on exactly the held-out fold.
    /// </summary>
    [Fact]
    public void NoHeldOutSliceReachesAFoldsTeacherOrStudent()
    {
        using var folder = new TempFolder();
        PhantomExport.WriteSlices(folder.File("unlabelled"), new PhantomDataset(6, seed: 9, new PhantomOptions { Size = 32 }));
        var data = new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32, GroundGlassProbability = 1 });
        var plan = new CrossValidationPlan(2, [ModelFactory.UNetName], [AugmentationMode.None],
            new ModelOptions { BaseWidth = 8, Depth = 2 }, new PreprocessingOptions(Side: 32),
            new TrainingOptions { Epochs = 1, BatchSize = 4, Seed = 3 },
            new SelfTrainingPlan(new UnlabelledImages(folder.File("unlabelled")),
                new PseudoLabelOptions(Threshold: 0.01, Slices: 3, Candidates: 0, MinConfidentFraction: 0, StudentEpochs: 1)));
        string outDir = folder.File("cv");

        var results = CrossValidation.Run(data, plan, outDir, SilentTrainingObserver.Instance, CancellationToken.None);

        string studentArch = ModelFactory.UNetName + CrossValidationPlan.SelfTrainedSuffix;
        Assert.Equal(4, results.Count);
        var folds = KFoldSplit.Load(Path.Combine(outDir, CrossValidation.FoldsFile));
        for (int fold = 0; fold < 2; fold++)
        {
            var heldOut = folds.Folds[fold];
            var teacherDir = CrossValidation.FoldDirectory(outDir, AugmentationMode.None, ModelFactory.UNetName, fold);
            var studentDir = CrossValidation.FoldDirectory(outDir, AugmentationMode.None, studentArch, fold);
            var teacherRun = RunManifest.Load(teacherDir);
            var studentRun = RunManifest.Load(studentDir);
            Assert.Empty(teacherRun.Data.TrainIds.Intersect(heldOut));
            Assert.Empty(studentRun.Data.TrainIds.Intersect(heldOut));
            var labelled = studentRun.Data.TrainIds.Where(id => !id.StartsWith(PseudoLabelledDataset.IdPrefix, StringComparison.Ordinal));
            Assert.Equal(teacherRun.Data.TrainIds.Order(), labelled.Distinct().Order());
            Assert.Equal(3, studentRun.Data.TrainIds.Count(id => id.StartsWith(PseudoLabelledDataset.IdPrefix, StringComparison.Ordinal)));
            var scored = results.Single(r => r.Arch == studentArch && r.Fold == fold);
            Assert.Equal(heldOut.Order(StringComparer.Ordinal), scored.Report.Images.Select(i => i.Id).Order(StringComparer.Ordinal));
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(studentDir, SelfTraining.SummaryFile)));
            Assert.Equal(Path.GetFullPath(teacherDir), summary.RootElement.GetProperty("teacher").GetString());
        }
        string md = CrossValidationTables.Markdown(results, plan, "covidseg cv ...", TimeSpan.FromMinutes(1));
        Assert.Contains("| U-Net + self-training |", md);
        Assert.DoesNotContain("Partial", md);
    }

    [Fact]
    public void CrossValidationRefusesEarlyStoppingOnTheHeldOutFold()
    {
        var plan = new CrossValidationPlan(2, [ModelFactory.UNetName], [AugmentationMode.None], new ModelOptions(),
            new PreprocessingOptions(Side: 32), new TrainingOptions { EarlyStoppingPatience = 3 });
        var e = Assert.Throws<CovidSegException>(plan.Validate);
        Assert.Contains("held-out fold", e.Message);
    }
}

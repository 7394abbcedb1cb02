using CovidSeg.Data;
using CovidSeg.Evaluation;
using CovidSeg.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Evaluation;

public class MaskFolderEvaluatorTests
{
    private static void Write(string folder, string stem, byte[] labels) =>
        ImageFile.WriteLabels(Path.Combine(folder, stem + ".png"), new LabelMask(4, 1, labels));

    [Fact]
    public void ScoresEveryPredictionAgainstTheMaskOfTheSameStem()
    {
        using var root = new TempFolder();
        string gt = root.File("gt"), pred = root.File("pred");
        // a: truth GGO on 2 pixels, prediction on 1 of them + 1 more: GGO Dice 2*1/(2+2) = 0.5.
        Write(gt, "a", [1, 1, 0, 0]);
        Write(pred, "a", [1, 0, 1, 0]);
        // b: exact; c has no prediction and is left out.
        Write(gt, "b", [2, 0, 0, 0]);
        Write(pred, "b", [2, 0, 0, 0]);
        Write(gt, "c", [1, 1, 1, 1]);
        ImageFile.WriteRgb(Path.Combine(pred, "a_overlay.png"), 1, 1, [255, 0, 0]);

        var report = MaskFolderEvaluator.Evaluate(pred, gt, LabelSet.SemiSeg, subset: true);

        Assert.Equal(["a", "b"], report.Images.Select(i => i.Id));
        Assert.Equal(0.5, report.Images[0].Scores.PerClass[1].Scores.Dice, 12);
        Assert.Equal(1.0, report.Images[1].Scores.PerClass[2].Scores.Dice, 12);
        // GGO pooled over both images: 2*1 / (2 + 2) = 0.5; mean over images: (0.5 + 1 [absent in both]) / 2 = 0.75.
        Assert.Equal(0.5, report.Global.PerClass[1].Scores.Dice, 12);
        Assert.Equal(0.75, report.MeanOverImages.PerClass[1].Scores.Dice, 12);
    }

    [Fact]
    public void ReadsTheMasksFolderOfADataFolder()
    {
        using var root = new TempFolder();
        Write(Path.Combine(root.File("data"), "masks"), "a", [1, 0, 0, 0]);
        Write(root.File("pred"), "a", [1, 0, 0, 0]);
        var report = MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("data"), LabelSet.SemiSeg);
        Assert.Equal(1.0, report.MeanOverImages.LesionMean.Dice, 12);
    }

    [Fact]
    public void AGroundTruthMaskWithoutAPredictionIsAnErrorUnlessSubsetIsAsked()
    {
        using var root = new TempFolder();
        foreach (string stem in new[] { "1", "2", "3", "4" }) Write(root.File("gt"), stem, [1, 1, 0, 0]);
        Write(root.File("pred"), "2", [1, 1, 0, 0]);
        var e = Assert.Throws<InvalidInputException>(() => MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("gt"), LabelSet.SemiSeg));
        Assert.Equal($"{root.File("pred")}: no prediction for 3 of 4 ground-truth masks (e.g. 1, 3, 4); leaving them out would raise the score: predict them, or pass --subset to score only the predicted ones", e.Message);
        Assert.Equal(["2"], MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("gt"), LabelSet.SemiSeg, subset: true).Images.Select(i => i.Id));
    }

    [Fact]
    public void AnInputPredictFailedOnIsAnErrorEvenForASubset()
    {
        using var root = new TempFolder();
        foreach (string stem in new[] { "1", "2", "3" }) Write(root.File("gt"), stem, [1, 1, 0, 0]);
        Write(root.File("pred"), "2", [1, 1, 0, 0]);
        File.WriteAllText(Path.Combine(root.File("pred"), "summary.csv"),
            "input,status,kind\n/x/2.jpg,ok,slice\n\"/x/3,a.jpg\",ok,slice\n\"/x/3.jpg\",failed,,,\"/x/3.jpg: corrupt, truncated\"\n");
        var e = Assert.Throws<InvalidInputException>(() => MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("gt"), LabelSet.SemiSeg, subset: true));
        Assert.Equal($"{root.File("pred")}: predict failed on 1 input(s) with ground truth (e.g. 3; see summary.csv); leaving them out would raise the score", e.Message);
    }

    [Fact]
    public void APredictionWithoutGroundTruthIsAnError()
    {
        using var root = new TempFolder();
        Write(root.File("gt"), "a", [0, 0, 0, 0]);
        Write(root.File("pred"), "zz", [0, 0, 0, 0]);
        var e = Assert.Throws<InvalidInputException>(() => MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("gt"), LabelSet.SemiSeg));
        Assert.Contains("no ground truth for 1 of 1 predictions (e.g. zz)", e.Message);
    }

    [Fact]
    public void MasksOfDifferentSizesAreAnError()
    {
        using var root = new TempFolder();
        Write(root.File("gt"), "a", [0, 0, 0, 0]);
        ImageFile.WriteLabels(Path.Combine(root.File("pred"), "a.png"), new LabelMask(2, 2, [0, 0, 0, 0]));
        var e = Assert.Throws<InvalidInputException>(() => MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("gt"), LabelSet.SemiSeg));
        Assert.Contains("size 2x2 differs from the ground truth's 4x1", e.Message);
        Assert.Contains("a.png", e.Message);
    }

    [Fact]
    public void AnEmptyPredictionFolderIsAnError()
    {
        using var root = new TempFolder();
        Write(root.File("gt"), "a", [0, 0, 0, 0]);
        Directory.CreateDirectory(root.File("pred"));
        var e = Assert.Throws<InvalidInputException>(() => MaskFolderEvaluator.Evaluate(root.File("pred"), root.File("gt"), LabelSet.SemiSeg));
        Assert.Contains("no predicted label masks", e.Message);
    }
}

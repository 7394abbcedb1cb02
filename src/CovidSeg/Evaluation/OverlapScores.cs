using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>
/// The overlap scores of one class, from its pixel counts (TP, FP, FN, TN, one class against all others):
/// <list type="bullet">
/// <item>Dice (DSC, the paper's main metric, Chen et al. 2020 eq. for DSC) = 2TP / (2TP + FP + FN)</item>
/// <item>IoU (Jaccard) = TP / (TP + FP + FN)</item>
/// <item>precision = TP / (TP + FP)</item>
/// <item>sensitivity (recall) = TP / (TP + FN)</item>
/// <item>specificity = TN / (TN + FP)</item>
/// </list>
/// Where a fraction is 0/0 we follow the COVID-SemiSeg (Inf-Net) per-image convention and state each case:
/// <list type="bullet">
/// <item>class absent from both truth and prediction: Dice, IoU, precision and sensitivity are 1 (nothing to find,
/// nothing falsely claimed: a perfect answer);</item>
/// <item>class in only one of them: the natural value 0 for Dice and IoU (TP = 0); precision with an empty prediction
/// but non-empty truth is 0 (the class was missed); sensitivity with empty truth but a non-empty prediction is 0
/// (the prediction is all false positives);</item>
/// <item>specificity with no negative pixels (every true pixel is the class, TN + FP = 0) is 1.</item>
/// </list>
/// The same rules apply to summed (global) counts, where they only matter if a class never occurs at all.
/// </summary>
public sealed record OverlapScores(
    double Dice,
    double Iou,
    double Precision,
    double Sensitivity,
    double Specificity)
{
    /// <summary>Metric names in the order of <see cref="Values"/>, as used in CSV columns and JSON.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = ["dice", "iou", "precision", "sensitivity", "specificity"];

    /// <summary>The five scores in the order of <see cref="MetricNames"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<double> Values => [Dice, Iou, Precision, Sensitivity, Specificity];

    public static OverlapScores FromCounts(long truePositives, long falsePositives, long falseNegatives, long trueNegatives)
    {
        if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0 || trueNegatives < 0)
            throw new ArgumentException("pixel counts must not be negative");
        double tp = truePositives, fp = falsePositives, fn = falseNegatives, tn = trueNegatives;
        bool bothEmpty = truePositives + falsePositives + falseNegatives == 0;
        return new OverlapScores(
            Dice: bothEmpty ? 1.0 : 2 * tp / (2 * tp + fp + fn),
            Iou: bothEmpty ? 1.0 : tp / (tp + fp + fn),
            // Not both empty and no positive prediction: truth has the class and it was missed.
            Precision: bothEmpty ? 1.0 : truePositives + falsePositives == 0 ? 0.0 : tp / (tp + fp),
            // Not both empty and no true pixel: the prediction is only false positives.
            Sensitivity: bothEmpty ? 1.0 : truePositives + falseNegatives == 0 ? 0.0 : tp / (tp + fn),
            Specificity: trueNegatives + falsePositives == 0 ? 1.0 : tn / (tn + fp));
    }

    /// <summary>The scores of class <paramref name="classIndex"/> against all other classes.</summary>
    public static OverlapScores ForClass(ConfusionMatrix matrix, int classIndex)
    {
        if (classIndex < 0 || classIndex >= matrix.ClassCount)
            throw new ArgumentOutOfRangeException(nameof(classIndex), $"class {classIndex} is not in 0..{matrix.ClassCount - 1}");
        return FromCounts(matrix.TruePositives(classIndex), matrix.FalsePositives(classIndex),
            matrix.FalseNegatives(classIndex), matrix.TrueNegatives(classIndex));
    }

    /// <summary>Arithmetic mean of each score (e.g. over images, or over classes).</summary>
    public static OverlapScores Mean(IEnumerable<OverlapScores> scores)
    {
        var list = scores as IReadOnlyCollection<OverlapScores> ?? scores.ToList();
        if (list.Count == 0) throw new ArgumentException("cannot average no scores");
        return new OverlapScores(
            list.Average(s => s.Dice), list.Average(s => s.Iou), list.Average(s => s.Precision),
            list.Average(s => s.Sensitivity), list.Average(s => s.Specificity));
    }
}

using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>
/// Dice of one lesion class averaged only over the images whose ground truth holds that class. The plain mean over
/// images lets an empty prediction on an empty slice score 1; on a split where a class is absent from many slices that
/// perfect score carries the average. This mean shows how well the lesions that are there were found.
/// </summary>
/// <param name="Images">Images whose truth holds the class; 0 when none does, and then <paramref name="Dice"/> is null.</param>
public sealed record PresentClassDice(
    [property: JsonPropertyName("class_index")] int ClassIndex,
    [property: JsonPropertyName("class_name")] string ClassName,
    [property: JsonPropertyName("images")] int Images,
    [property: JsonPropertyName("dice")] double? Dice)
{
    /// <summary>One entry per lesion class (every class but background) of <paramref name="images"/>.</summary>
    public static IReadOnlyList<PresentClassDice> Of(IReadOnlyList<ImageMetrics> images, IReadOnlyList<string> classNames)
    {
        var result = new List<PresentClassDice>();
        for (int c = 1; c < classNames.Count; c++)
        {
            int cls = c;
            var present = images.Where(i => TruthPixels(i.Confusion, cls) > 0).ToList();
            double? dice = present.Count == 0 ? null : present.Average(i => i.Scores.PerClass[cls].Scores.Dice);
            result.Add(new PresentClassDice(c, classNames[c], present.Count, dice));
        }
        return result;
    }

    /// <summary>Mean of the classes' present-image Dice, over the classes that occur at all; null when none does.</summary>
    public static double? LesionMean(IReadOnlyList<PresentClassDice> classes)
    {
        var known = classes.Where(c => c.Dice is not null).Select(c => c.Dice!.Value).ToList();
        return known.Count == 0 ? null : known.Average();
    }

    private static long TruthPixels(ConfusionMatrix matrix, int trueClass)
    {
        long sum = 0;
        for (int p = 0; p < matrix.ClassCount; p++) sum += matrix.Count(trueClass, p);
        return sum;
    }
}

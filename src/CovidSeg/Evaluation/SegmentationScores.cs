using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>
/// All scores of one image, or of a set of images under one way of averaging (see <see cref="MetricsReport"/>):
/// pixel accuracy, the <see cref="OverlapScores"/> of every class (background included, at index 0), their mean over
/// the lesion classes only, and the paper's all-class means.
/// <para>
/// <see cref="PaperAllClassMeanDice"/> averages Dice over every class including background. Chen et al. 2020 report a
/// Dice of about 0.94 that is almost surely this number; background covers most pixels and scores near 1, so it says
/// little about the lesions. It is kept only to compare with the paper. <see cref="LesionMean"/> is the honest summary.
/// </para>
/// </summary>
public sealed record SegmentationScores(
    double PixelAccuracy,
    IReadOnlyList<ClassScores> PerClass,
    OverlapScores LesionMean,
    double PaperAllClassMeanDice,
    double PaperAllClassMeanPrecision)
{
    /// <summary>Scores of the lesion classes (every class but background, index 0).</summary>
    [JsonIgnore]
    public IEnumerable<ClassScores> Lesions => PerClass.Where(c => c.ClassIndex != 0);

    /// <summary>Scores of one set of pixel counts; <paramref name="classNames"/>[i] names class i (0 = background).</summary>
    public static SegmentationScores FromMatrix(ConfusionMatrix matrix, IReadOnlyList<string> classNames)
    {
        CheckClassNames(classNames, matrix.ClassCount);
        var perClass = Enumerable.Range(0, matrix.ClassCount)
            .Select(c => new ClassScores(c, classNames[c], OverlapScores.ForClass(matrix, c)))
            .ToList();
        return FromPerClass(matrix.PixelAccuracy, perClass);
    }

    /// <summary>
    /// The mean over images: each class's scores and the pixel accuracy averaged over the given images, then the
    /// lesion and all-class means taken over those averages (which equals averaging the per-image means).
    /// </summary>
    public static SegmentationScores MeanOverImages(IEnumerable<SegmentationScores> images, IReadOnlyList<string> classNames)
    {
        var list = images as IReadOnlyCollection<SegmentationScores> ?? images.ToList();
        if (list.Count == 0) throw new ArgumentException("cannot average over no images");
        foreach (var image in list) CheckClassNames(classNames, image.PerClass.Count);
        var perClass = Enumerable.Range(0, classNames.Count)
            .Select(c => new ClassScores(c, classNames[c], OverlapScores.Mean(list.Select(i => i.PerClass[c].Scores))))
            .ToList();
        return FromPerClass(list.Average(i => i.PixelAccuracy), perClass);
    }

    private static SegmentationScores FromPerClass(double pixelAccuracy, IReadOnlyList<ClassScores> perClass) =>
        new(pixelAccuracy,
            perClass,
            OverlapScores.Mean(perClass.Where(c => c.ClassIndex != 0).Select(c => c.Scores)),
            perClass.Average(c => c.Scores.Dice),
            perClass.Average(c => c.Scores.Precision));

    private static void CheckClassNames(IReadOnlyList<string> classNames, int classCount)
    {
        if (classNames.Count < 2) throw new ArgumentException("scores need background and at least one lesion class");
        if (classNames.Count != classCount)
            throw new ArgumentException($"{classNames.Count} class names for {classCount} classes");
    }

    /// <summary>
    /// The scores as named columns, in a fixed order: pixel_accuracy; for each class, each metric as
    /// <c>{metric}_{class}</c> (class name in snake case, e.g. <c>dice_ground_glass_opacity</c>); the lesion means as
    /// <c>lesion_mean_{metric}</c>; then the paper's all-class means. CSV headers and fold tables use these names.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>> ToColumns()
    {
        var columns = new List<KeyValuePair<string, double>> { new("pixel_accuracy", PixelAccuracy) };
        var slugs = ColumnSlugs.ForClasses(PerClass.Select(c => c.ClassName).ToList());
        foreach (var c in PerClass)
            for (int m = 0; m < OverlapScores.MetricNames.Count; m++)
                columns.Add(new($"{OverlapScores.MetricNames[m]}_{slugs[c.ClassIndex]}", c.Scores.Values[m]));
        for (int m = 0; m < OverlapScores.MetricNames.Count; m++)
            columns.Add(new($"lesion_mean_{OverlapScores.MetricNames[m]}", LesionMean.Values[m]));
        columns.Add(new("paper_all_class_mean_dice", PaperAllClassMeanDice));
        columns.Add(new("paper_all_class_mean_precision", PaperAllClassMeanPrecision));
        return columns;
    }
}

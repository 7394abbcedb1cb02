namespace CovidSeg.Evaluation;

/// <summary>Mean and sample standard deviation across cross-validation folds.</summary>
public static class FoldStatistics
{
    /// <summary>
    /// Mean and sample standard deviation (divisor n - 1, as folds are a sample of possible splits). With one value
    /// the standard deviation is NaN: one fold says nothing about spread.
    /// </summary>
    public static MeanAndSpread Summarise(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) throw new ArgumentException("cannot summarise no values");
        double mean = list.Average();
        double sd = list.Count < 2
            ? double.NaN
            : Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
        return new MeanAndSpread(mean, sd, list.Count);
    }

    /// <summary>
    /// Every score column of several fold reports summarised across folds, keyed
    /// <c>mean_over_images.{column}</c> and <c>global.{column}</c> (columns of
    /// <see cref="SegmentationScores.ToColumns"/>), in a fixed order. All reports must name the same classes.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, MeanAndSpread>> SummariseFolds(IReadOnlyList<MetricsReport> folds)
    {
        if (folds.Count == 0) throw new ArgumentException("no fold reports");
        var names = folds[0].ClassNames;
        if (folds.Any(f => !f.ClassNames.SequenceEqual(names)))
            throw new CovidSegException("fold reports name different classes; they cannot be summarised together");
        var perFold = folds.Select(f =>
                f.MeanOverImages.ToColumns().Select(c => new KeyValuePair<string, double>("mean_over_images." + c.Key, c.Value))
                    .Concat(f.Global.ToColumns().Select(c => new KeyValuePair<string, double>("global." + c.Key, c.Value)))
                    .ToList())
            .ToList();
        return perFold[0]
            .Select((column, i) => new KeyValuePair<string, MeanAndSpread>(column.Key, Summarise(perFold.Select(f => f[i].Value))))
            .ToList();
    }
}

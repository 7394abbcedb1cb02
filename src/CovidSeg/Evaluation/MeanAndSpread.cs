using System.Globalization;

namespace CovidSeg.Evaluation;

/// <summary>A mean with its sample standard deviation over folds (the paper's 10-fold cross-validation tables).</summary>
public sealed record MeanAndSpread(double Mean, double StandardDeviation, int Count)
{
    /// <summary>Nothing to summarise yet (a configuration with no finished fold).</summary>
    public static MeanAndSpread None { get; } = new(double.NaN, double.NaN, 0);

    /// <summary>"0.612 ± 0.034"; with a single value the spread is undefined and only the mean is shown; "–" for none.</summary>
    public string Format(int decimals = 3)
    {
        if (Count == 0) return "–";
        string f = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        string mean = Mean.ToString(f, CultureInfo.InvariantCulture);
        return Count < 2 ? mean : $"{mean} ± {StandardDeviation.ToString(f, CultureInfo.InvariantCulture)}";
    }

    public override string ToString() => Format();
}

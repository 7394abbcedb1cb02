namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// Per-class confidence thresholds for pseudo-labels, balanced by class (after Zou et al. 2018, "Unsupervised domain
/// adaptation for semantic segmentation via class-balanced self-training"). One global threshold keeps the classes a
/// teacher is sure of (background, large ground glass) and drops the rare ones: on COVID-SemiSeg a 0.7 threshold kept no
/// consolidation pixel at all, and the student stopped predicting consolidation. Here each class keeps the most
/// confident share of the pixels the teacher gives it, and never needs more than the global threshold.
/// </summary>
public static class ClassThresholds
{
    private const int Bins = 1000;

    /// <summary>
    /// Threshold of each class (index = class): min(<paramref name="threshold"/>, the confidence above which
    /// <paramref name="keepShare"/> of the pixels predicted as that class lie). <paramref name="keepShare"/> 0 gives the
    /// global threshold to every class. A class never predicted gets the global threshold.
    /// </summary>
    public static double[] Balanced(IEnumerable<TeacherPrediction> predictions, int classes, double threshold, double keepShare)
    {
        var result = Enumerable.Repeat(threshold, classes).ToArray();
        if (keepShare <= 0) return result;
        // Histograms of confidence per class: exact enough (1/1000) and memory-free however many slices there are.
        var histograms = new long[classes, Bins + 1];
        var totals = new long[classes];
        foreach (var p in predictions)
            for (int i = 0; i < p.Classes.Length; i++)
            {
                int c = p.Classes[i];
                // Floor to the bin (a hair up first, so 0.7f, stored as 0.69999999, falls in bin 700).
                histograms[c, Math.Clamp((int)(p.Confidence[i] * (double)Bins + 1e-4), 0, Bins)]++;
                totals[c]++;
            }
        for (int c = 0; c < classes; c++)
        {
            if (totals[c] == 0) continue;
            long wanted = (long)Math.Ceiling(keepShare * totals[c]), seen = 0;
            int bin = Bins;
            for (; bin > 0; bin--)
            {
                seen += histograms[c, bin];
                if (seen >= wanted) break;
            }
            result[c] = Math.Min(threshold, (double)bin / Bins);
        }
        return result;
    }
}

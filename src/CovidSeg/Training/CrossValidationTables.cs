using System.Globalization;
using System.Text;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.Models;
using CovidSeg.Runs;
using CovidSeg.IO;

namespace CovidSeg.Training;

/// <summary>
/// Cross-validation results as tables shaped like the paper's Table I (full model against U-Net, with and without
/// augmentation) and Table II (the ablation), each cell the mean ± sample standard deviation over folds. Scores are
/// means over held-out images; "lesion Dice" and "lesion precision" average the lesion classes only, "all-class Dice"
/// is the paper's number, background included, kept only for comparison.
/// </summary>
public static class CrossValidationTables
{
    private static readonly (string Name, Func<MetricsReport, double> Value)[] Columns =
    [
        ("lesion Dice", r => r.MeanOverImages.LesionMean.Dice),
        ("pixel accuracy", r => r.MeanOverImages.PixelAccuracy),
        ("lesion precision", r => r.MeanOverImages.LesionMean.Precision),
        ("all-class Dice (paper)", r => r.MeanOverImages.PaperAllClassMeanDice),
    ];

    /// <summary>The paper's names for the networks of its tables.</summary>
    public static string PaperName(string arch)
    {
        // Suffixes stack (network, then test-time augmentation, then offsets), so each is named on what precedes it.
        foreach (var (suffix, label) in RowSuffixes)
            if (arch.EndsWith(suffix, StringComparison.Ordinal)) return PaperName(arch[..^suffix.Length]) + label;
        int tta = arch.LastIndexOf(CrossValidationPlan.TtaSuffixStart, StringComparison.Ordinal);
        if (tta > 0) return PaperName(arch[..tta]) + $", test-time augmentation {arch[(tta + CrossValidationPlan.TtaSuffixStart.Length)..]}";
        return Architectures.PaperName(arch);
    }

    /// <summary>The rows a plan adds beside each network, and how the tables name them.</summary>
    private static readonly (string Suffix, string Label)[] RowSuffixes =
    [
        (CrossValidationPlan.SelfTrainedSuffix, " + self-training"),
        (CrossValidationPlan.LastEpochSuffix, ", last epoch"),
        (CrossValidationPlan.OffsetsSuffix, " + decision offsets (cross-fitted)"),
    ];

    private static string ScoredWeights(CrossValidationPlan plan) => plan.Training.AverageLastEpochs > 0
        ? Invariant($"the average of its last {plan.Training.AverageLastEpochs} epochs' weights (rows marked \"last epoch\": the same runs with the last epoch's weights)")
        : "the last epoch's weights";

    public static MeanAndSpread Summary(IReadOnlyList<FoldResult> results, string arch, AugmentationMode aug, Func<MetricsReport, double> metric)
    {
        var values = results.Where(r => r.Arch == arch && r.Augmentation == aug).Select(r => metric(r.Report)).ToList();
        return values.Count == 0 ? MeanAndSpread.None : FoldStatistics.Summarise(values);
    }

    public static string Markdown(IReadOnlyList<FoldResult> results, CrossValidationPlan plan, string command, TimeSpan wall)
    {
        var sb = new StringBuilder();
        var augs = plan.Augmentations;
        sb.AppendLine($"Command: `{command}`").AppendLine();
        var completeFolds = Enumerable.Range(0, plan.Folds).Where(f => results.Count(r => r.Fold == f) == plan.ReportedArchs.Count * plan.Augmentations.Count).ToHashSet();
        if (completeFolds.Count < plan.Folds)
        {
            sb.AppendLine($"**Partial: {completeFolds.Count} of {plan.Folds} folds complete for every configuration ({results.Count} of {plan.Folds * plan.ReportedArchs.Count * plan.Augmentations.Count} trainings); the tables use the complete folds only.** Rerun the command to resume.").AppendLine();
            if (completeFolds.Count > 0) results = results.Where(r => completeFolds.Contains(r.Fold)).ToList();
        }
        sb.AppendLine(Invariant($"{plan.Folds} folds; {plan.Training.Epochs} epochs; side {plan.Preprocessing.Side}; width {plan.Model.BaseWidth}; batch {plan.Training.BatchSize}; seed {plan.Training.Seed}; wall time {wall.TotalMinutes:F1} min. Mean ± standard deviation over folds, each fold scored on its held-out slices with {ScoredWeights(plan)}."));
        sb.AppendLine();

        string[] compared = [Architectures.ResidualAttentionUNetName, Architectures.UNetName];
        if (compared.All(plan.Archs.Contains))
        {
            sb.AppendLine("### Table I: full model against U-Net").AppendLine();
            AppendTable(sb, results, augs, compared, withImprovement: true);
        }
        sb.AppendLine("### Table II: ablation").AppendLine();
        AppendTable(sb, results, augs, plan.ReportedArchs, withImprovement: false);

        sb.AppendLine("### Per class (lesion Dice, mean over held-out images)").AppendLine();
        var classNames = results.FirstOrDefault()?.Report.ClassNames.Skip(1).ToList() ?? [];
        sb.AppendLine("\"with it\": mean over the held-out images whose truth holds the class only, so empty slices predicted empty do not lift it.").AppendLine();
        var perClass = new MarkdownTable(["model", "augmentation", .. classNames.SelectMany(c => new[] { c, c + " (with it)" })]);
        foreach (var arch in plan.ReportedArchs)
        foreach (var aug in augs)
            perClass.Row([PaperName(arch), aug.ToString().ToLowerInvariant(),
                .. Enumerable.Range(1, classNames.Count).SelectMany(cls => new[]
                {
                    Summary(results, arch, aug, r => r.MeanOverImages.PerClass[cls].Scores.Dice).Format(),
                    Summary(results, arch, aug, r => r.MeanOverImagesWithClass[cls - 1].Dice ?? double.NaN).Format(),
                })]);
        perClass.AppendTo(sb).AppendLine();
        return sb.ToString();
    }

    private static void AppendTable(StringBuilder sb, IReadOnlyList<FoldResult> results, IReadOnlyList<AugmentationMode> augs, IReadOnlyList<string> archs, bool withImprovement)
    {
        var cells = augs.SelectMany(aug => Columns.Select(col => (Aug: aug, Column: col))).ToList();
        var table = new MarkdownTable(["model", .. cells.Select(c => $"{AugLabel(c.Aug)}: {c.Column.Name}")]);
        foreach (var arch in archs)
            table.Row([PaperName(arch), .. cells.Select(c => Summary(results, arch, c.Aug, c.Column.Value).Format())]);
        if (withImprovement && archs.Count == 2)
        {
            table.Row(["relative change", .. cells.Select(c =>
            {
                double ours = Summary(results, archs[0], c.Aug, c.Column.Value).Mean, baseline = Summary(results, archs[1], c.Aug, c.Column.Value).Mean;
                return baseline > 0 && !double.IsNaN(ours) ? Invariant($"{100 * (ours - baseline) / baseline:+0.0;-0.0}%") : "n/a";
            })]);
        }
        table.AppendTo(sb);
        sb.AppendLine();
    }

    private static string AugLabel(AugmentationMode aug) => aug switch
    {
        AugmentationMode.Paper => "with aug.",
        AugmentationMode.None => "no aug.",
        _ => aug.ToString().ToLowerInvariant(),
    };

    /// <summary>Every fold's scores and the summaries, for programs.</summary>
    public static string Json(IReadOnlyList<FoldResult> results, CrossValidationPlan plan)
    {
        var summary = plan.ReportedArchs.SelectMany(arch => plan.Augmentations.Select(aug => new
        {
            arch,
            augmentation = aug.ToString().ToLowerInvariant(),
            metrics = Columns.ToDictionary(c => c.Name.Replace(' ', '_').Replace("(", "").Replace(")", ""), c =>
            {
                var s = Summary(results, arch, aug, c.Value);
                return new { mean = s.Mean, std = double.IsNaN(s.StandardDeviation) ? (double?)null : s.StandardDeviation, folds = s.Count };
            }),
        }));
        var folds = results.Select(r => new
        {
            arch = r.Arch,
            augmentation = r.Augmentation.ToString().ToLowerInvariant(),
            fold = r.Fold,
            training_seconds = r.TrainingSeconds,
            mean_over_images = r.Report.MeanOverImages,
            global = r.Report.Global,
            mean_over_images_with_class = r.Report.MeanOverImagesWithClass,
        });
        return JsonConvention.Serialize(new { plan, summary, folds }, "covidseg-cv/1");
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

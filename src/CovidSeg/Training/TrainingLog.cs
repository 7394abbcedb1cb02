using System.Globalization;
using CovidSeg.Data;
using CovidSeg.IO;
using CovidSeg.Labels;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>RUN_DIR/log.csv: one row per finished epoch (Dice per class and lesion mean are means over validation
/// images; global_lesion_dice pools their pixels), rewritten whole from the history (so a resumed run never
/// keeps rows of epochs it is redoing).</summary>
public static class TrainingLog
{
    public const string FileName = "log.csv";

    public static void Write(string runDirectory, LabelSet labels, IReadOnlyList<EpochRecord> history)
    {
        var csv = new CsvWriter();
        csv.Row([
            "epoch", "learning_rate", "train_loss", "validation_loss",
            .. labels.Classes.Select(c => "dice_" + c.Name.Replace(' ', '_')),
            "lesion_mean_dice", "global_lesion_dice", "seconds", "images_per_second", "precision",
        ]);
        foreach (var r in history)
        {
            csv.Row([
                r.Epoch.ToString(CultureInfo.InvariantCulture), F(r.LearningRate), F(r.TrainLoss), F(r.ValidationLoss),
                .. Enumerable.Range(0, labels.Count).Select(c => c < r.ValidationDice.Length ? F(r.ValidationDice[c]) : ""),
                F(r.ValidationLesionDice), F(r.ValidationGlobalLesionDice), F(r.Seconds), F(r.ImagesPerSecond), r.Precision ?? "fp32",
            ]);
        }
        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), csv.ToString());
    }

    private static string F(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
}

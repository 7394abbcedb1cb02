using System.Globalization;
using System.Text;
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
        var sb = new StringBuilder();
        sb.Append("epoch,learning_rate,train_loss,validation_loss");
        foreach (var c in labels.Classes) sb.Append(",dice_").Append(c.Name.Replace(' ', '_'));
        sb.AppendLine(",lesion_mean_dice,global_lesion_dice,seconds,images_per_second");
        foreach (var r in history)
        {
            sb.Append(r.Epoch).Append(',').Append(F(r.LearningRate)).Append(',').Append(F(r.TrainLoss)).Append(',').Append(F(r.ValidationLoss));
            for (int c = 0; c < labels.Count; c++) sb.Append(',').Append(c < r.ValidationDice.Length ? F(r.ValidationDice[c]) : "");
            sb.Append(',').Append(F(r.ValidationLesionDice)).Append(',').Append(F(r.ValidationGlobalLesionDice)).Append(',').Append(F(r.Seconds)).Append(',').Append(F(r.ImagesPerSecond)).AppendLine();
        }
        AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), sb.ToString());
    }

    private static string F(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "";
}

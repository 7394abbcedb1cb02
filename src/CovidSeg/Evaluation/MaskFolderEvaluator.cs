using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Labels;

namespace CovidSeg.Evaluation;

/// <summary>
/// Scores every predicted label mask in a folder against the true one of the same file stem: PNG label masks (each
/// one image) or NIfTI label volumes (each volume one item, all its voxels pooled). A ground-truth folder laid out as
/// images/ + masks/ can be given by its root. A true mask without a prediction is an error, because leaving it out
/// can only raise the score (an input predict failed on is exactly such a mask); with <c>subset</c> a held-out subset
/// is scored against the full ground-truth folder, still refusing inputs the folder's summary.csv lists as failed.
/// </summary>
public static class MaskFolderEvaluator
{
    public static MetricsReport Evaluate(string predictedFolder, string truthFolder, LabelSet labels, bool subset = false)
    {
        if (!Directory.Exists(predictedFolder)) throw new InvalidInputException(predictedFolder, "prediction folder does not exist");
        if (!Directory.Exists(truthFolder)) throw new InvalidInputException(truthFolder, "ground-truth folder does not exist");
        string masks = Path.Combine(truthFolder, "masks");
        if (Directory.Exists(masks)) truthFolder = masks;
        var truth = MasksByStem(truthFolder);
        var predicted = MasksByStem(predictedFolder);
        if (predicted.Count == 0) throw new InvalidInputException(predictedFolder, "no predicted label masks (.png, .nii, .nii.gz) found");
        var missing = predicted.Keys.Where(k => !truth.ContainsKey(k)).Order(NaturalStringComparer.Instance).ToList();
        if (missing.Count > 0)
            throw new InvalidInputException(truthFolder, $"no ground truth for {missing.Count} of {predicted.Count} predictions (e.g. {string.Join(", ", missing.Take(5))})");
        var unpredicted = truth.Keys.Where(k => !predicted.ContainsKey(k)).Order(NaturalStringComparer.Instance).ToList();
        if (!subset && unpredicted.Count > 0)
            throw new InvalidInputException(predictedFolder,
                $"no prediction for {unpredicted.Count} of {truth.Count} ground-truth masks (e.g. {string.Join(", ", unpredicted.Take(5))}); leaving them out would raise the score: predict them, or pass --subset to score only the predicted ones");
        var failed = FailedStems(predictedFolder).Where(truth.ContainsKey).Where(s => !predicted.ContainsKey(s)).ToList();
        if (failed.Count > 0)
            throw new InvalidInputException(predictedFolder,
                $"predict failed on {failed.Count} input(s) with ground truth (e.g. {string.Join(", ", failed.Take(5))}; see {Inference.PredictionReports.SummaryFile}); leaving them out would raise the score");

        var metrics = new MetricsAccumulator(labels);
        // Every prediction is scored; ground-truth masks without a prediction (another fold, say) are not.
        foreach (var stem in predicted.Keys.Order(NaturalStringComparer.Instance))
        {
            var (truthLabels, truthSize) = Read(truth[stem], labels);
            var (predictedLabels, predictedSize) = Read(predicted[stem], labels);
            if (truthSize != predictedSize)
                throw new InvalidInputException(predicted[stem], $"size {predictedSize} differs from the ground truth's {truthSize} ({truth[stem]})");
            metrics.Add(stem, ConfusionMatrix.FromLabels(truthLabels, predictedLabels, labels.Count, predicted[stem]));
        }
        return metrics.ToReport();
    }

    /// <summary>Stems of the inputs that the summary.csv <c>covidseg predict</c> wrote in <paramref name="folder"/> marks as failed; none without one.</summary>
    private static IEnumerable<string> FailedStems(string folder)
    {
        string summary = Path.Combine(folder, Inference.PredictionReports.SummaryFile);
        if (!File.Exists(summary)) return [];
        var stems = new List<string>();
        foreach (string line in File.ReadLines(summary).Skip(1))
        {
            var (input, rest) = FirstCsvCell(line);
            if (rest.StartsWith(",failed,", StringComparison.Ordinal)) stems.Add(InputStem.Of(input));
        }
        return stems;
    }

    /// <summary>The first cell of a CSV line (quoted or not, RFC 4180) and the text after it.</summary>
    private static (string Cell, string After) FirstCsvCell(string line)
    {
        if (!line.StartsWith('"'))
        {
            int comma = line.IndexOf(',');
            return comma < 0 ? (line, "") : (line[..comma], line[comma..]);
        }
        var cell = new System.Text.StringBuilder();
        for (int i = 1; i < line.Length; i++)
        {
            if (line[i] != '"') { cell.Append(line[i]); continue; }
            if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; continue; }
            return (cell.ToString(), line[(i + 1)..]);
        }
        return (cell.ToString(), "");
    }

    private static Dictionary<string, string> MasksByStem(string folder)
    {
        var byStem = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith('.')) continue;
            string? stem = NiftiFileName.IsNifti(file) ? NiftiFileName.Stem(file)
                : name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? Path.GetFileNameWithoutExtension(name) : null;
            // Overlays written next to predicted masks are pictures, not masks.
            if (stem is null || stem.EndsWith("_overlay", StringComparison.Ordinal)) continue;
            if (!byStem.TryAdd(stem, file))
                throw new InvalidInputException(file, $"two masks share the stem '{stem}' ({byStem[stem]})");
        }
        return byStem;
    }

    private static (byte[] Labels, string Size) Read(string path, LabelSet labels)
    {
        if (NiftiFileName.IsNifti(path))
        {
            var volume = NiftiReader.Read(path);
            return (Data.NiftiSlices.CheckedLabels(volume, labels, path), $"{volume.Nx}x{volume.Ny}x{volume.Nz}");
        }
        var mask = ImageFile.ReadLabels(path, labels);
        return (mask.Labels, $"{mask.Width}x{mask.Height}");
    }
}

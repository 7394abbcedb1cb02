using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Evaluation;

/// <summary>
/// Scores every predicted label mask in a folder against the true one of the same file stem (true masks without a
/// prediction are left out, so a held-out subset can be scored against the full ground-truth folder): PNG label masks
/// (each one image) or NIfTI label volumes (each volume one item, all its voxels pooled). A ground-truth folder laid
/// out as images/ + masks/ can be given by its root.
/// </summary>
public static class MaskFolderEvaluator
{
    public static MetricsReport Evaluate(string predictedFolder, string truthFolder, LabelSet labels)
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

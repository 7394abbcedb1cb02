namespace CovidSeg.Data;

/// <summary>
/// Which sample ids train and which validate, saved as JSON beside results so a run can be repeated on the same
/// samples. Split first, then augment the training ids only (see <see cref="Augmentation.AugmentedSampleProvider"/>),
/// so no copy of a validation slice is trained on (the paper leaves this open; docs/NOTES).
/// </summary>
public sealed record DataSplit(int Seed, IReadOnlyList<string> TrainIds, IReadOnlyList<string> ValidationIds)
{
    /// <summary>The format field of the file (2: snake_case names; 1, camelCase without the field, still loads).</summary>
    public const string Format = "covidseg-split/2";

    /// <summary>
    /// Shuffles the ids with <paramref name="seed"/> and puts round(fraction x n) of them (at least 1, and at least
    /// 1 left to train) in validation.
    /// </summary>
    public static DataSplit ByFraction(IEnumerable<string> ids, double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1)) throw new ArgumentOutOfRangeException(nameof(validationFraction), $"validation fraction must be in (0, 1), got {validationFraction}");
        var shuffled = SplitFiles.ShuffledIds(ids, seed, "train/validation split");
        if (shuffled.Length < 2) throw new ArgumentException($"a train/validation split needs at least 2 samples, got {shuffled.Length}");
        int validation = Math.Clamp((int)Math.Round(validationFraction * shuffled.Length, MidpointRounding.AwayFromZero), 1, shuffled.Length - 1);
        return new DataSplit(seed, shuffled[validation..], shuffled[..validation]);
    }

    /// <summary>
    /// Every id trains and none validates (nnU-Net's "all" fold): for a final model on every labelled slice. Without
    /// validation the trainer keeps the last epoch.
    /// </summary>
    public static DataSplit AllTraining(IEnumerable<string> ids, int seed)
    {
        // ShuffledIds refuses duplicate ids; the order of the training ids does not matter, so keep it natural.
        var sorted = SplitFiles.ShuffledIds(ids, seed, "training on all samples").Order(NaturalStringComparer.Instance).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no samples to train on");
        return new DataSplit(seed, sorted, []);
    }

    /// <summary>Dataset indices of the training and validation ids; throws when an id is not in the data set.</summary>
    public (int[] Train, int[] Validation) IndicesIn(ISegmentationDataset dataset)
    {
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < dataset.Count; i++) indexOf[dataset.IdAt(i)] = i;
        int[] Lookup(IReadOnlyList<string> ids) => ids.Select(id => indexOf.TryGetValue(id, out int i)
            ? i
            : throw new InvalidInputException(dataset.Source, $"sample '{id}' of the split is not in the data set")).ToArray();
        return (Lookup(TrainIds), Lookup(ValidationIds));
    }

    public void Save(string path) => SplitFiles.Save(path, this, Format);

    public static DataSplit Load(string path)
    {
        var split = SplitFiles.Load<DataSplit>(path, "train/validation split", Format);
        if (split.TrainIds is null || split.ValidationIds is null) throw new InvalidInputException(path, "train/validation split lacks trainIds or validationIds");
        var overlap = split.TrainIds.Intersect(split.ValidationIds, StringComparer.Ordinal).FirstOrDefault();
        if (overlap is not null) throw new InvalidInputException(path, $"sample '{overlap}' is in both training and validation");
        return split;
    }
}

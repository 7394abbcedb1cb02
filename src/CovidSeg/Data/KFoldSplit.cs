namespace CovidSeg.Data;

/// <summary>
/// Seeded k-fold cross-validation split of sample ids (the paper reports 10-fold cross-validation, Chen, Yao,
/// Zhang 2020, §IV): ids are shuffled with the seed and dealt into k folds whose sizes differ by at most one.
/// Saved as JSON beside results so any fold can be rerun on exactly the same samples.
/// </summary>
public sealed record KFoldSplit(int Seed, IReadOnlyList<IReadOnlyList<string>> Folds)
{
    /// <summary>The format field of the file (2: snake_case names; 1, camelCase without the field, still loads).</summary>
    public const string Format = "covidseg-folds/2";

    public int K => Folds.Count;

    /// <summary>Shuffles the ids with <paramref name="seed"/>; the first n mod k folds get one id more.</summary>
    public static KFoldSplit Create(IEnumerable<string> ids, int k, int seed)
    {
        var shuffled = SplitFiles.ShuffledIds(ids, seed, "k-fold split");
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"k-fold needs k >= 2, got {k}");
        if (k > shuffled.Length) throw new ArgumentException($"cannot make {k} folds from {shuffled.Length} samples");
        var folds = new List<IReadOnlyList<string>>(k);
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = shuffled.Length / k + (f < shuffled.Length % k ? 1 : 0);
            folds.Add(shuffled[start..(start + size)]);
            start += size;
        }
        return new KFoldSplit(seed, folds);
    }

    /// <summary>Fold <paramref name="fold"/> validates; all other folds (in fold order) train.</summary>
    public DataSplit Fold(int fold)
    {
        if (fold < 0 || fold >= K) throw new ArgumentOutOfRangeException(nameof(fold), $"fold must be 0..{K - 1}, got {fold}");
        var train = Folds.Where((_, f) => f != fold).SelectMany(f => f).ToArray();
        return new DataSplit(Seed, train, Folds[fold].ToArray());
    }

    public void Save(string path) => SplitFiles.Save(path, this, Format);

    public static KFoldSplit Load(string path)
    {
        var split = SplitFiles.Load<KFoldSplit>(path, "k-fold split", Format);
        if (split.Folds is null || split.Folds.Count < 2) throw new InvalidInputException(path, "k-fold split needs at least 2 folds");
        if (split.Folds.Any(f => f is null || f.Count == 0)) throw new InvalidInputException(path, "k-fold split has an empty fold");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in split.Folds.SelectMany(f => f))
            if (!seen.Add(id)) throw new InvalidInputException(path, $"sample '{id}' is in more than one fold");
        return split;
    }
}

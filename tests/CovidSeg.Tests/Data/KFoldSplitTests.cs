using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Tests.Imaging;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Data;

public class KFoldSplitTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 23).Select(i => i.ToString()).ToArray();

    [Fact]
    public void EveryIdLandsInExactlyOneFoldAndFoldSizesDifferByAtMostOne()
    {
        var split = KFoldSplit.Create(Ids, 5, seed: 3);
        Assert.Equal(5, split.K);
        Assert.Equal([5, 5, 5, 4, 4], split.Folds.Select(f => f.Count));
        var all = split.Folds.SelectMany(f => f).ToList();
        Assert.Equal(Ids.Order(), all.Order());
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void SameSeedSameFoldsWhateverTheInputOrder()
    {
        var a = KFoldSplit.Create(Ids, 10, seed: 7);
        var b = KFoldSplit.Create(Ids.Reverse(), 10, seed: 7);
        var c = KFoldSplit.Create(Ids, 10, seed: 8);
        Assert.Equal(a.Folds, b.Folds);
        Assert.NotEqual(a.Folds.SelectMany(f => f), c.Folds.SelectMany(f => f));
        // The shuffle really shuffles: the first fold is not simply the first ids.
        Assert.NotEqual(Ids.Take(a.Folds[0].Count), a.Folds[0]);
    }

    [Fact]
    public void EachFoldValidatesOnItselfAndTrainsOnTheRest()
    {
        var split = KFoldSplit.Create(Ids, 4, seed: 1);
        for (int f = 0; f < 4; f++)
        {
            var fold = split.Fold(f);
            Assert.Equal(split.Folds[f], fold.ValidationIds);
            Assert.Empty(fold.TrainIds.Intersect(fold.ValidationIds));
            Assert.Equal(Ids.Order(), fold.TrainIds.Concat(fold.ValidationIds).Order());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Fold(4));
    }

    [Fact]
    public void SavedSplitLoadsBackIdentical()
    {
        using var dir = new TempFolder();
        var split = KFoldSplit.Create(Ids, 10, seed: 11);
        split.Save(dir.File("results/folds.json"));
        var loaded = KFoldSplit.Load(dir.File("results/folds.json"));
        Assert.Equal(split.Seed, loaded.Seed);
        Assert.Equal(split.Folds, loaded.Folds);
        Assert.Contains("\"folds\"", File.ReadAllText(dir.File("results/folds.json")));
    }

    [Fact]
    public void FractionSplitIsSeededAndSized()
    {
        var ids = Enumerable.Range(0, 50).Select(i => $"s{i}").ToArray();
        var a = DataSplit.ByFraction(ids, 0.2, seed: 4);
        Assert.Equal(10, a.ValidationIds.Count);
        Assert.Equal(40, a.TrainIds.Count);
        Assert.Equal(ids.Order(), a.TrainIds.Concat(a.ValidationIds).Order());
        Assert.Equal(a.ValidationIds, DataSplit.ByFraction(ids, 0.2, seed: 4).ValidationIds);
        Assert.NotEqual(a.ValidationIds, DataSplit.ByFraction(ids, 0.2, seed: 5).ValidationIds);

        using var dir = new TempFolder();
        a.Save(dir.File("split.json"));
        var loaded = DataSplit.Load(dir.File("split.json"));
        Assert.Equal(a.TrainIds, loaded.TrainIds);
        Assert.Equal(a.ValidationIds, loaded.ValidationIds);
    }

    [Fact]
    public void SplitIdsMapToDatasetIndices()
    {
        var dataset = new NamedOnlyDataset(["a", "b", "c", "d"]);
        var split = new DataSplit(0, ["d", "a"], ["c"]);
        var (train, validation) = split.IndicesIn(dataset);
        Assert.Equal([3, 0], train);
        Assert.Equal([2], validation);
        var e = Assert.Throws<InvalidInputException>(() => new DataSplit(0, ["a"], ["zz"]).IndicesIn(dataset));
        Assert.Equal("names-only: sample 'zz' of the split is not in the data set", e.Message);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Equal("k-fold needs k >= 2, got 1 (Parameter 'k')", Assert.Throws<ArgumentOutOfRangeException>(() => KFoldSplit.Create(Ids, 1, 0)).Message);
        Assert.Equal("cannot make 24 folds from 23 samples", Assert.Throws<ArgumentException>(() => KFoldSplit.Create(Ids, 24, 0)).Message);
        Assert.Equal("k-fold split: sample id '3' occurs more than once", Assert.Throws<ArgumentException>(() => KFoldSplit.Create(["1", "3", "3"], 2, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.ByFraction(Ids, 1.0, 0));
    }

    [Fact]
    public void BadSplitFilesAreNamed()
    {
        using var dir = new TempFolder();
        Assert.Equal("file not found", Assert.Throws<InvalidInputException>(() => KFoldSplit.Load(dir.File("none.json"))).Problem);

        File.WriteAllText(dir.File("garbage.json"), "{ not json");
        var e = Assert.Throws<InvalidInputException>(() => KFoldSplit.Load(dir.File("garbage.json")));
        Assert.StartsWith("not a k-fold split file: ", e.Problem);
        Assert.Equal(dir.File("garbage.json"), e.InputPath);

        File.WriteAllText(dir.File("twice.json"), """{"seed":1,"folds":[["a","b"],["b"]]}""");
        Assert.Equal("sample 'b' is in more than one fold", Assert.Throws<InvalidInputException>(() => KFoldSplit.Load(dir.File("twice.json"))).Problem);

        File.WriteAllText(dir.File("empty.json"), """{"seed":1,"folds":[["a"],[]]}""");
        Assert.Equal("k-fold split has an empty fold", Assert.Throws<InvalidInputException>(() => KFoldSplit.Load(dir.File("empty.json"))).Problem);

        File.WriteAllText(dir.File("overlap.json"), """{"seed":1,"trainIds":["a","b"],"validationIds":["b"]}""");
        Assert.Equal("sample 'b' is in both training and validation", Assert.Throws<InvalidInputException>(() => DataSplit.Load(dir.File("overlap.json"))).Problem);
    }

    /// <summary>A data set that only has ids (enough for split bookkeeping).</summary>
    private sealed class NamedOnlyDataset(string[] ids) : ISegmentationDataset
    {
        public string Source => "names-only";
        public LabelSet Labels => LabelSet.SemiSeg;
        public int Count => ids.Length;
        public string IdAt(int index) => ids[index];
        public SegmentationSample Load(int index) => throw new NotSupportedException();
    }
}

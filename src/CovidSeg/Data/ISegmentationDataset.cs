using CovidSeg.Labels;

namespace CovidSeg.Data;

/// <summary>
/// A labelled set of 2D slices, loaded lazily by index. Every layout on disk (image/mask folders, MedSeg stacks,
/// NIfTI volume pairs, the synthetic phantom) is one implementation of this interface.
/// </summary>
public interface ISegmentationDataset
{
    /// <summary>Where it came from, for logs and checkpoints (a folder path, or "phantom(seed=1)").</summary>
    string Source { get; }
    LabelSet Labels { get; }
    int Count { get; }
    /// <summary>Stable identifier of sample i (a file stem, or "volume#slice"), available without loading pixels.</summary>
    string IdAt(int index);
    /// <summary>Loads sample i; throws <see cref="InvalidInputException"/> naming the file when it is unusable.</summary>
    SegmentationSample Load(int index);
}

/// <summary>Helpers every <see cref="ISegmentationDataset"/> gets.</summary>
public static class SegmentationDatasetExtensions
{
    /// <summary>The ids of all samples, in index order, without loading pixels.</summary>
    public static List<string> AllIds(this ISegmentationDataset data) => Enumerable.Range(0, data.Count).Select(data.IdAt).ToList();
}

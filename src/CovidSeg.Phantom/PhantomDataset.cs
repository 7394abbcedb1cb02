using CovidSeg.Data;
using CovidSeg.Labels;

namespace CovidSeg.Phantom;

/// <summary>
/// A fixed number of synthetic chest-CT slices (<see cref="ChestPhantom"/>), labelled with
/// <see cref="LabelSet.MedSeg"/>. Slice i comes from its own seed derived from the data set seed and i, so any
/// sample loads alone and always gives the same pixels.
/// </summary>
public sealed class PhantomDataset : ISegmentationDataset
{
    private readonly int seed;

    public PhantomDataset(int count, int seed, PhantomOptions? options = null)
    {
        Options = options ?? PhantomOptions.Default;
        Options.Validate();
        if (count < 1) throw new InvalidInputException(Source, $"needs at least one slice, got {count}");
        Count = count;
        this.seed = seed;
    }

    public PhantomOptions Options { get; }
    public string Source => $"phantom(seed={this.seed}, size={Options.Size})";
    public LabelSet Labels => LabelSet.MedSeg;
    public int Count { get; }

    public string IdAt(int index)
    {
        CheckIndex(index);
        return $"phantom-{index:D4}";
    }

    public SegmentationSample Load(int index) => LoadWithLung(index).ToSample(IdAt(index));

    /// <summary>Sample <paramref name="index"/> together with its true lung mask.</summary>
    public PhantomSlice LoadWithLung(int index)
    {
        CheckIndex(index);
        return ChestPhantom.GenerateSlice(ChestPhantom.DeriveSeed(this.seed, index), Options);
    }

    private void CheckIndex(int index)
    {
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Source} has {Count} slices");
    }
}

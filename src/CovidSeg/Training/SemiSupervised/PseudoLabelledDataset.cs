using CovidSeg.Data;
using CovidSeg.Labels;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// A labelled data set followed by pseudo-labelled slices: indices 0..labelled-1 are the labelled set's own, the rest
/// are the pseudo-labels, whose ids start with <see cref="IdPrefix"/> so they can never be mistaken for labelled ones.
/// The trainer sees one data set; validation indices must come from the labelled part only.
/// </summary>
public sealed class PseudoLabelledDataset : ISegmentationDataset
{
    public const string IdPrefix = "pseudo:";

    private readonly ISegmentationDataset labelled;
    private readonly IReadOnlyList<PseudoLabel> pseudo;

    public PseudoLabelledDataset(ISegmentationDataset labelled, IReadOnlyList<PseudoLabel> pseudo, string unlabelledSource)
    {
        this.labelled = labelled;
        this.pseudo = pseudo;
        Source = $"{labelled.Source} + {pseudo.Count} pseudo-labelled slices of {unlabelledSource}";
    }

    public string Source { get; }
    public LabelSet Labels => labelled.Labels;
    public int Count => labelled.Count + pseudo.Count;
    public int LabelledCount => labelled.Count;

    /// <summary>Indices of the pseudo-labelled slices.</summary>
    public IEnumerable<int> PseudoIndices => Enumerable.Range(labelled.Count, pseudo.Count);

    public string IdAt(int index) => index < labelled.Count ? labelled.IdAt(index) : IdPrefix + pseudo[index - labelled.Count].Id;

    public SegmentationSample Load(int index)
    {
        if (index < labelled.Count) return labelled.Load(index);
        var p = pseudo[index - labelled.Count];
        return new SegmentationSample(IdPrefix + p.Id, p.Image, p.Mask);
    }
}

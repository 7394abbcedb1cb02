using CovidSeg.Imaging;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// One unlabelled slice with the teacher's labels: class indices where the teacher was confident,
/// <see cref="SegmentationLoss.IgnoredLabel"/> elsewhere.
/// </summary>
/// <param name="ConfidentFraction">Share of the slice's pixels that carry a label.</param>
/// <param name="LesionFraction">Share of the slice's pixels confidently labelled as a lesion (any class but background).</param>
public sealed record PseudoLabel(string Id, GreyImage Image, LabelMask Mask, double ConfidentFraction, double LesionFraction)
{
    /// <summary>Labelled pixels per class (index = class), ignored pixels not counted.</summary>
    public long[] PixelsPerClass(int classes)
    {
        var counts = new long[classes];
        foreach (byte label in Mask.Labels)
            if (label < classes) counts[label]++;
        return counts;
    }
}

using CovidSeg.Imaging;
using CovidSeg.Data;

namespace CovidSeg.Phantom;

/// <summary>
/// One generated phantom slice: the image in Hounsfield units, its exact label mask (0..3, <see cref="Labels.LabelSet.MedSeg"/>)
/// and the true lung mask (1 = either lung, lesions and effusion included, 0 elsewhere).
/// </summary>
public sealed record PhantomSlice(GreyImage Image, LabelMask Labels, LabelMask Lung)
{
    public SegmentationSample ToSample(string id) => new(id, Image, Labels);
}

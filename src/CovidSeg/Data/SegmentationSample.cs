using CovidSeg.Imaging;

namespace CovidSeg.Data;

/// <summary>One labelled 2D slice: an identifier a person can trace back to a file, the image and its mask.</summary>
public sealed record SegmentationSample(string Id, GreyImage Image, LabelMask Mask);

namespace CovidSeg.Imaging.Dicom;

/// <summary>What <see cref="SegmentationWriter"/> wrote: the new UIDs, the frame count and segment number per label.</summary>
public sealed record WrittenSegmentation(string Path, string SopInstanceUid, string SeriesInstanceUid, int Frames, IReadOnlyDictionary<int, byte> SegmentLabels);

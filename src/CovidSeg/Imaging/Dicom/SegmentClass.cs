namespace CovidSeg.Imaging.Dicom;

/// <summary>One class of a label volume as a segmentation sees it: its label value and its name (which picks its code, <see cref="LesionCodes"/>).</summary>
public sealed record SegmentClass(byte Label, string Name);

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// One class of a label volume as a segmentation sees it: its label value, its name (which picks its code,
/// <see cref="LesionCodes"/>) and its overlay colour (written as the recommended display colour).
/// </summary>
public sealed record SegmentClass(byte Label, string Name, byte R = 255, byte G = 255, byte B = 255);

namespace CovidSeg.Imaging.Dicom;

/// <summary>A parsed DICOM Part 10 file: its file meta information, its data set and the transfer syntax of the latter.</summary>
public sealed record DicomFile(string Path, DicomDataset Meta, DicomDataset Dataset, DicomTransferSyntax Syntax);

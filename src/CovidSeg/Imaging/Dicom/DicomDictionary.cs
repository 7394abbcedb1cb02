namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// The value representation (VR) of the attributes CovidSeg uses, from PS3.6. Implicit VR files do not store VRs,
/// so the reader needs them to recognise sequences and to copy attributes into an Explicit VR file; any other tag
/// is kept as "UN" bytes, which is all the reader needs of it.
/// </summary>
public static class DicomDictionary
{
    private static readonly Dictionary<DicomTag, string> Vrs = new()
    {
        [DicomTags.SpecificCharacterSet] = "CS", [DicomTags.ImageType] = "CS",
        [DicomTags.SopClassUid] = "UI", [DicomTags.SopInstanceUid] = "UI",
        [DicomTags.StudyDate] = "DA", [DicomTags.SeriesDate] = "DA", [DicomTags.ContentDate] = "DA",
        [DicomTags.StudyTime] = "TM", [DicomTags.SeriesTime] = "TM", [DicomTags.ContentTime] = "TM",
        [DicomTags.AccessionNumber] = "SH", [DicomTags.Modality] = "CS", [DicomTags.Manufacturer] = "LO",
        [DicomTags.ReferringPhysicianName] = "PN", [DicomTags.StudyDescription] = "LO", [DicomTags.SeriesDescription] = "LO",
        [DicomTags.ManufacturerModelName] = "LO",
        [DicomTags.PatientName] = "PN", [DicomTags.PatientId] = "LO", [DicomTags.IssuerOfPatientId] = "LO",
        [DicomTags.PatientBirthDate] = "DA", [DicomTags.PatientSex] = "CS", [DicomTags.PatientAge] = "AS",
        [DicomTags.BodyPartExamined] = "CS", [DicomTags.SliceThickness] = "DS", [DicomTags.SpacingBetweenSlices] = "DS",
        [DicomTags.StudyInstanceUid] = "UI", [DicomTags.SeriesInstanceUid] = "UI", [DicomTags.StudyId] = "SH",
        [DicomTags.SeriesNumber] = "IS", [DicomTags.InstanceNumber] = "IS",
        [DicomTags.ImagePositionPatient] = "DS", [DicomTags.ImageOrientationPatient] = "DS",
        [DicomTags.FrameOfReferenceUid] = "UI", [DicomTags.PositionReferenceIndicator] = "LO",
        [DicomTags.SamplesPerPixel] = "US", [DicomTags.PhotometricInterpretation] = "CS", [DicomTags.NumberOfFrames] = "IS",
        [DicomTags.Rows] = "US", [DicomTags.Columns] = "US", [DicomTags.PixelSpacing] = "DS",
        [DicomTags.BitsAllocated] = "US", [DicomTags.BitsStored] = "US", [DicomTags.HighBit] = "US",
        [DicomTags.PixelRepresentation] = "US", [DicomTags.RescaleIntercept] = "DS", [DicomTags.RescaleSlope] = "DS",
        [DicomTags.SharedFunctionalGroupsSequence] = "SQ", [DicomTags.PerFrameFunctionalGroupsSequence] = "SQ",
        [DicomTags.PlanePositionSequence] = "SQ", [DicomTags.PlaneOrientationSequence] = "SQ",
        [DicomTags.PixelMeasuresSequence] = "SQ", [DicomTags.PixelValueTransformationSequence] = "SQ",
        [DicomTags.FrameContentSequence] = "SQ", [DicomTags.ReferencedSeriesSequence] = "SQ",
        [DicomTags.SourceImageSequence] = "SQ", [DicomTags.DerivationImageSequence] = "SQ",
        [DicomTags.SegmentSequence] = "SQ",
        [DicomTags.Kvp] = "DS", [DicomTags.PatientPosition] = "CS", [DicomTags.AcquisitionNumber] = "IS", [DicomTags.Laterality] = "CS",
        [DicomTags.PixelData] = "OW",
    };

    /// <summary>The VR of <paramref name="tag"/>, or "UN" when CovidSeg does not use it. Group lengths are UL.</summary>
    public static string VrOf(DicomTag tag) =>
        tag.Element == 0x0000 ? "UL" : Vrs.TryGetValue(tag, out string? vr) ? vr : "UN";
}

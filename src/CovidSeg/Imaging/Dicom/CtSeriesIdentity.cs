namespace CovidSeg.Imaging.Dicom;

/// <summary>Who and what a written CT series belongs to (copied into every file).</summary>
public sealed record CtSeriesIdentity(string PatientName, string PatientId, string StudyInstanceUid, string SeriesInstanceUid,
    string FrameOfReferenceUid, string SeriesDescription)
{
    public static CtSeriesIdentity NewFor(string patientName, string patientId, string description) =>
        new(patientName, patientId, DicomUid.New(), DicomUid.New(), DicomUid.New(), description);
}

using System.Globalization;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Writes a Hounsfield-unit volume as a CT series: one CT Image Storage file per slice, Explicit VR Little Endian,
/// unsigned 16-bit stored values with Rescale Intercept -1024 (as most scanners store CT), positions and orientation
/// from the volume's affine (NIfTI RAS turned into DICOM LPS). Used by <c>covidseg synth --format dicom</c> to give
/// a phantom series to try the DICOM path on; it writes only what a CT image needs, not a scanner's full header.
/// </summary>
public static class CtSeriesWriter
{
    public const string CtImageStorageUid = "1.2.840.10008.5.1.4.1.1.2";

    /// <returns>The paths written, IM0001.dcm onwards in slice order.</returns>
    public static IReadOnlyList<string> Write(string folder, NiftiVolume volume, CtSeriesIdentity identity)
    {
        var ras = volume.Affine();
        // LPS = RAS with x and y negated.
        Vector3d Column(int c) => new(-ras[0, c], -ras[1, c], ras[2, c]);
        Vector3d xStep = Column(0), yStep = Column(1), zStep = Column(2), origin = Column(3);
        double columnSpacing = xStep.Length, rowSpacing = yStep.Length;
        Vector3d rowDirection = 1 / columnSpacing * xStep, columnDirection = 1 / rowSpacing * yStep;
        if (Math.Abs(rowDirection.Dot(columnDirection)) > 1e-6 || Math.Abs(rowDirection.Cross(columnDirection).Dot(zStep) - zStep.Length) > 1e-6 * zStep.Length)
            throw new ArgumentException("the volume's axes are not orthogonal with slices along the row x column normal; it cannot be a plain CT series");

        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        int plane = volume.Nx * volume.Ny;
        for (int z = 0; z < volume.Nz; z++)
        {
            var ds = new DicomDataset();
            string sop = DicomUid.New();
            ds.SetStrings(DicomTags.ImageType, "CS", ["ORIGINAL", "PRIMARY", "AXIAL"]);
            ds.SetString(DicomTags.SopClassUid, "UI", CtImageStorageUid);
            ds.SetString(DicomTags.SopInstanceUid, "UI", sop);
            foreach (var empty in new[] { DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.ReferringPhysicianName,
                         DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyId, DicomTags.PositionReferenceIndicator,
                         DicomTags.Kvp, DicomTags.AcquisitionNumber, DicomTags.Laterality })
                ds.Set(new DicomElement(empty, DicomDictionary.VrOf(empty), ReadOnlyMemory<byte>.Empty));
            ds.SetString(DicomTags.Modality, "CS", "CT");
            ds.SetString(DicomTags.PatientPosition, "CS", "HFS"); // the phantom lies head first, supine: rows run to the patient's left
            ds.SetString(DicomTags.Manufacturer, "LO", "CovidSeg phantom");
            ds.SetString(DicomTags.SeriesDescription, "LO", identity.SeriesDescription);
            ds.SetString(DicomTags.PatientName, "PN", identity.PatientName);
            ds.SetString(DicomTags.PatientId, "LO", identity.PatientId);
            ds.SetDecimals(DicomTags.SliceThickness, [zStep.Length]);
            ds.SetString(DicomTags.StudyInstanceUid, "UI", identity.StudyInstanceUid);
            ds.SetString(DicomTags.SeriesInstanceUid, "UI", identity.SeriesInstanceUid);
            ds.SetString(DicomTags.SeriesNumber, "IS", "1");
            ds.SetString(DicomTags.InstanceNumber, "IS", (z + 1).ToString(CultureInfo.InvariantCulture));
            ds.SetDecimals(DicomTags.ImagePositionPatient, (origin + z * zStep).ToArray());
            ds.SetDecimals(DicomTags.ImageOrientationPatient, [.. rowDirection.ToArray(), .. columnDirection.ToArray()]);
            ds.SetString(DicomTags.FrameOfReferenceUid, "UI", identity.FrameOfReferenceUid);
            ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
            ds.SetString(DicomTags.PhotometricInterpretation, "CS", "MONOCHROME2");
            ds.SetUInt16(DicomTags.Rows, checked((ushort)volume.Ny));
            ds.SetUInt16(DicomTags.Columns, checked((ushort)volume.Nx));
            ds.SetDecimals(DicomTags.PixelSpacing, [rowSpacing, columnSpacing]);
            ds.SetUInt16(DicomTags.BitsAllocated, 16);
            ds.SetUInt16(DicomTags.BitsStored, 16);
            ds.SetUInt16(DicomTags.HighBit, 15);
            ds.SetUInt16(DicomTags.PixelRepresentation, 0);
            ds.SetDecimals(DicomTags.RescaleIntercept, [-1024]);
            ds.SetDecimals(DicomTags.RescaleSlope, [1]);
            var pixels = new byte[plane * 2];
            var slice = volume.Data.AsSpan(z * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                double stored = Math.Clamp(Math.Round(slice[i] + 1024.0, MidpointRounding.AwayFromZero), 0, ushort.MaxValue);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(2 * i), (ushort)stored);
            }
            ds.Set(new DicomElement(DicomTags.PixelData, "OW", pixels));
            string path = Path.Combine(folder, $"IM{z + 1:D4}.dcm");
            DicomFileWriter.Write(path, ds);
            paths.Add(path);
        }
        return paths;
    }
}

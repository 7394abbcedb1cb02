using System.Globalization;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Writes a label volume on the grid of a <see cref="DicomSeries"/> as a DICOM Segmentation (Segmentation Storage,
/// PS3.3 A.51): BINARY, one segment per class present, a new series in the source study and frame of reference.
/// Frames are the non-empty slices of each segment (segment by segment, slices in order along the normal); each frame
/// carries its plane position, its segment number and a reference to the source image it was derived from, and the
/// shared functional groups carry the orientation and pixel spacing, so viewers place it on the CT without guessing.
/// Patient and study attributes are copied from the source as they are (absent ones stay empty), never invented.
/// </summary>
public static class SegmentationWriter
{
    public const string SegmentationStorageUid = "1.2.840.10008.5.1.4.1.1.66.4";

    private static readonly DicomTag[] CopiedFromSource =
    [
        DicomTags.SpecificCharacterSet, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber,
        DicomTags.ReferringPhysicianName, DicomTags.StudyDescription, DicomTags.PatientName, DicomTags.PatientId,
        DicomTags.IssuerOfPatientId, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.PatientAge,
        DicomTags.StudyId, DicomTags.BodyPartExamined, DicomTags.PositionReferenceIndicator,
    ];

    /// <summary>Type 2 attributes of the modules written: present even when the source has no value.</summary>
    private static readonly DicomTag[] RequiredEvenIfEmpty =
    [
        DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.ReferringPhysicianName,
        DicomTags.PatientName, DicomTags.PatientId, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyId,
        DicomTags.PositionReferenceIndicator,
    ];

    /// <param name="labels">Label per voxel, index = column + Columns * (row + Rows * slice), slices in series order.</param>
    /// <param name="classes">The lesion classes (label value and name); those with no voxel get no segment.</param>
    /// <param name="algorithm">Segment Algorithm Name, e.g. "CovidSeg unet".</param>
    /// <returns>null when no class is present: a segmentation needs at least one segment.</returns>
    public static WrittenSegmentation? Write(string path, DicomSeries series, byte[] labels, IReadOnlyList<SegmentClass> classes, string algorithm, DateTime now)
    {
        int plane = series.Rows * series.Columns;
        if (labels.Length != (long)plane * series.Slices.Count)
            throw new ArgumentException($"{labels.Length} labels for a {series.Columns}x{series.Rows}x{series.Slices.Count} series");
        if (series.FrameOfReferenceUid is not { } frameOfReference)
            throw new InvalidInputException(series.Source, "the series has no Frame of Reference UID (0020,0052), so a segmentation cannot be placed on it");

        // Which slices hold each class.
        var present = classes.Select(c => (Class: c, Slices: Enumerable.Range(0, series.Slices.Count)
                .Where(z => labels.AsSpan(z * plane, plane).Contains(c.Label)).ToList()))
            .Where(p => p.Slices.Count > 0).ToList();
        if (present.Count == 0) return null;

        var source = series.First.Dataset;
        var ds = new DicomDataset();
        foreach (var tag in CopiedFromSource)
            if (source.Find(tag) is { Items: null, Fragments: null } element)
                ds.Set(new DicomElement(tag, DicomDictionary.VrOf(tag), element.Value));
        foreach (var tag in RequiredEvenIfEmpty)
            if (!ds.Contains(tag)) ds.Set(new DicomElement(tag, DicomDictionary.VrOf(tag), ReadOnlyMemory<byte>.Empty));

        string sopInstance = DicomUid.New(), seriesInstance = DicomUid.New(), dimensionOrganization = DicomUid.New();
        string date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), time = now.ToString("HHmmss", CultureInfo.InvariantCulture);

        // SOP Common, General Series, Segmentation Series, General Equipment, General Image.
        ds.SetStrings(DicomTags.ImageType, "CS", ["DERIVED", "PRIMARY"]);
        ds.SetString(DicomTags.SopClassUid, "UI", SegmentationStorageUid);
        ds.SetString(DicomTags.SopInstanceUid, "UI", sopInstance);
        ds.SetString(DicomTags.SeriesDate, "DA", date);
        ds.SetString(DicomTags.SeriesTime, "TM", time);
        ds.SetString(DicomTags.ContentDate, "DA", date);
        ds.SetString(DicomTags.ContentTime, "TM", time);
        ds.SetString(DicomTags.Modality, "CS", "SEG");
        ds.SetString(DicomTags.Manufacturer, "LO", "CovidSeg");
        ds.SetString(DicomTags.SeriesDescription, "LO", "CovidSeg lesions");
        ds.SetString(DicomTags.ManufacturerModelName, "LO", "CovidSeg");
        ds.SetString(DicomTags.DeviceSerialNumber, "LO", "none"); // software, not a device: PS3.3 asks for a value, there is no serial
        ds.SetString(DicomTags.SoftwareVersions, "LO", typeof(SegmentationWriter).Assembly.GetName().Version?.ToString(3) ?? "0");
        ds.SetString(DicomTags.StudyInstanceUid, "UI", series.StudyInstanceUid);
        ds.SetString(DicomTags.SeriesInstanceUid, "UI", seriesInstance);
        ds.SetString(DicomTags.SeriesNumber, "IS", "901");
        ds.SetString(DicomTags.InstanceNumber, "IS", "1");
        ds.SetString(DicomTags.FrameOfReferenceUid, "UI", frameOfReference);

        // Common Instance Reference: the source series and every image in it.
        var instances = series.Slices.DistinctBy(s => s.SopInstanceUid).Select(Reference).ToArray();
        var referencedSeries = new DicomDataset();
        referencedSeries.SetSequence(DicomTags.ReferencedInstanceSequence, instances);
        referencedSeries.SetString(DicomTags.SeriesInstanceUid, "UI", series.SeriesInstanceUid);
        ds.SetSequence(DicomTags.ReferencedSeriesSequence, referencedSeries);

        // Multi-frame Dimension: frames are indexed by segment, then by position along the normal.
        var organization = new DicomDataset();
        organization.SetString(DicomTags.DimensionOrganizationUid, "UI", dimensionOrganization);
        ds.SetSequence(DicomTags.DimensionOrganizationSequence, organization);
        ds.SetSequence(DicomTags.DimensionIndexSequence,
            DimensionIndex(dimensionOrganization, DicomTags.ReferencedSegmentNumber, DicomTags.SegmentIdentificationSequence, "ReferencedSegmentNumber"),
            DimensionIndex(dimensionOrganization, DicomTags.ImagePositionPatient, DicomTags.PlanePositionSequence, "ImagePositionPatient"));

        // Image Pixel and Segmentation Image: one bit per pixel.
        int frames = present.Sum(p => p.Slices.Count);
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
        ds.SetString(DicomTags.PhotometricInterpretation, "CS", "MONOCHROME2");
        ds.SetString(DicomTags.NumberOfFrames, "IS", frames.ToString(CultureInfo.InvariantCulture));
        ds.SetUInt16(DicomTags.Rows, (ushort)series.Rows);
        ds.SetUInt16(DicomTags.Columns, (ushort)series.Columns);
        ds.SetUInt16(DicomTags.BitsAllocated, 1);
        ds.SetUInt16(DicomTags.BitsStored, 1);
        ds.SetUInt16(DicomTags.HighBit, 0);
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        ds.SetString(DicomTags.LossyImageCompression, "CS", "00");
        ds.SetString(DicomTags.SegmentationType, "CS", "BINARY");
        ds.SetString(DicomTags.SegmentsOverlap, "CS", "NO");
        ds.SetString(DicomTags.ContentLabel, "CS", "LESIONS");
        ds.SetString(DicomTags.ContentDescription, "LO", "COVID-19 lesions segmented by CovidSeg");
        ds.Set(new DicomElement(DicomTags.ContentCreatorName, "PN", ReadOnlyMemory<byte>.Empty));

        var segmentLabels = new Dictionary<int, byte>();
        var segments = new List<DicomDataset>();
        for (int i = 0; i < present.Count; i++)
        {
            int number = i + 1;
            segmentLabels[number] = present[i].Class.Label;
            segments.Add(Segment(number, present[i].Class, algorithm));
        }
        ds.SetSequence(DicomTags.SegmentSequence, [.. segments]);

        // Shared functional groups: orientation and pixel measures are those of the series.
        var first = series.First;
        var orientation = new DicomDataset();
        orientation.SetDecimals(DicomTags.ImageOrientationPatient, [.. first.RowDirection.ToArray(), .. first.ColumnDirection.ToArray()]);
        var measures = new DicomDataset();
        measures.SetDecimals(DicomTags.PixelSpacing, [first.RowSpacing, first.ColumnSpacing]);
        measures.SetDecimals(DicomTags.SliceThickness, [first.SliceThickness ?? series.SliceSpacing]);
        measures.SetDecimals(DicomTags.SpacingBetweenSlices, [series.SliceSpacing]);
        var shared = new DicomDataset();
        shared.SetSequence(DicomTags.PlaneOrientationSequence, orientation);
        shared.SetSequence(DicomTags.PixelMeasuresSequence, measures);
        ds.SetSequence(DicomTags.SharedFunctionalGroupsSequence, shared);

        var perFrame = new List<DicomDataset>(frames);
        var bits = new byte[((long)frames * plane + 7) / 8 + 1 & ~1L]; // bit-packed, frames back to back, even length
        long bit = 0;
        for (int i = 0; i < present.Count; i++)
        {
            byte label = present[i].Class.Label;
            foreach (int z in present[i].Slices)
            {
                perFrame.Add(FrameGroups(series.Slices[z], i + 1, z + 1));
                var slice = labels.AsSpan(z * plane, plane);
                for (int p = 0; p < plane; p++, bit++)
                    if (slice[p] == label) bits[bit >> 3] |= (byte)(1 << (int)(bit & 7)); // first pixel in the lowest bit (PS3.5 8.1.1)
            }
        }
        ds.SetSequence(DicomTags.PerFrameFunctionalGroupsSequence, [.. perFrame]);
        ds.Set(new DicomElement(DicomTags.PixelData, "OB", bits));

        DicomFileWriter.Write(path, ds);
        return new WrittenSegmentation(path, sopInstance, seriesInstance, frames, segmentLabels);
    }

    private static DicomDataset Reference(DicomSlice slice)
    {
        var item = new DicomDataset();
        item.SetString(DicomTags.ReferencedSopClassUid, "UI", slice.SopClassUid);
        item.SetString(DicomTags.ReferencedSopInstanceUid, "UI", slice.SopInstanceUid);
        return item;
    }

    private static DicomDataset DimensionIndex(string organization, DicomTag pointer, DicomTag group, string label)
    {
        var item = new DicomDataset();
        item.SetString(DicomTags.DimensionOrganizationUid, "UI", organization);
        item.SetTagValue(DicomTags.DimensionIndexPointer, pointer);
        item.SetTagValue(DicomTags.FunctionalGroupPointer, group);
        item.SetString(DicomTags.DimensionDescriptionLabel, "LO", label);
        return item;
    }

    private static DicomDataset Segment(int number, SegmentClass segmentClass, string algorithm)
    {
        string name = segmentClass.Name;
        var item = new DicomDataset();
        item.SetUInt16(DicomTags.RecommendedDisplayCieLabValue, CieLabColor.FromRgb(segmentClass.R, segmentClass.G, segmentClass.B));
        item.SetSequence(DicomTags.SegmentedPropertyCategoryCodeSequence, LesionCodes.Category.ToItem());
        item.SetUInt16(DicomTags.SegmentNumber, (ushort)number);
        item.SetString(DicomTags.SegmentLabel, "LO", name);
        item.SetString(DicomTags.SegmentAlgorithmType, "CS", "AUTOMATIC");
        item.SetString(DicomTags.SegmentAlgorithmName, "LO", algorithm);
        item.SetSequence(DicomTags.SegmentedPropertyTypeCodeSequence, LesionCodes.TypeFor(name).ToItem());
        return item;
    }

    private static DicomDataset FrameGroups(DicomSlice source, int segment, int positionIndex)
    {
        var sourceImage = Reference(source);
        if (source.FrameCount > 1) sourceImage.SetString(DicomTags.ReferencedFrameNumber, "IS", (source.Frame + 1).ToString(CultureInfo.InvariantCulture));
        sourceImage.SetSequence(DicomTags.PurposeOfReferenceCodeSequence, new CodedConcept("121322", "DCM", "Source image for image processing operation").ToItem());
        var derivation = new DicomDataset();
        derivation.SetSequence(DicomTags.DerivationCodeSequence, new CodedConcept("113076", "DCM", "Segmentation").ToItem());
        derivation.SetSequence(DicomTags.SourceImageSequence, sourceImage);

        var content = new DicomDataset();
        content.SetUInt32(DicomTags.DimensionIndexValues, "UL", (uint)segment, (uint)positionIndex);
        var position = new DicomDataset();
        position.SetDecimals(DicomTags.ImagePositionPatient, source.Position.ToArray());
        var identification = new DicomDataset();
        identification.SetUInt16(DicomTags.ReferencedSegmentNumber, (ushort)segment);

        var groups = new DicomDataset();
        groups.SetSequence(DicomTags.DerivationImageSequence, derivation);
        groups.SetSequence(DicomTags.FrameContentSequence, content);
        groups.SetSequence(DicomTags.PlanePositionSequence, position);
        groups.SetSequence(DicomTags.SegmentIdentificationSequence, identification);
        return groups;
    }
}

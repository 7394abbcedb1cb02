namespace CovidSeg.Imaging.Dicom;

/// <summary>A coded term (Code Sequence Macro, PS3.3 8.8): value, coding scheme (SCT = SNOMED CT, DCM = DICOM) and meaning.</summary>
public sealed record CodedConcept(string Value, string Scheme, string Meaning)
{
    public DicomDataset ToItem()
    {
        var item = new DicomDataset();
        item.SetString(DicomTags.CodeValue, "SH", Value);
        item.SetString(DicomTags.CodingSchemeDesignator, "SH", Scheme);
        item.SetString(DicomTags.CodeMeaning, "LO", Meaning);
        return item;
    }
}

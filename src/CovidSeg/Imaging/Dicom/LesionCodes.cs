namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// The coded category and type of each lesion class in a segmentation. Checked in pydicom 2.3.1's copy of PS3.16
/// (pydicom/sr/_concepts_dict.py): category SCT 49755003 "Morphologically Abnormal Structure" (CID 7150),
/// SCT 60046008 "Pleural effusion", and DCM 112120 "Ground glass opacity" (CID 6102/6104: DICOM's own term, as no
/// SNOMED CT concept for it is listed there). Not in that list, looked up in a SNOMED-derived concept table:
/// SCT 95436008 "Lung consolidation" (disorder). Any other class: SCT 52988006 "Lesion" (CID 7159).
/// </summary>
public static class LesionCodes
{
    public static CodedConcept Category { get; } = new("49755003", "SCT", "Morphologically Abnormal Structure");

    public static CodedConcept GroundGlassOpacity { get; } = new("112120", "DCM", "Ground glass opacity");
    public static CodedConcept Consolidation { get; } = new("95436008", "SCT", "Lung consolidation");
    public static CodedConcept PleuralEffusion { get; } = new("60046008", "SCT", "Pleural effusion");
    public static CodedConcept Lesion { get; } = new("52988006", "SCT", "Lesion");

    /// <summary>The type code for a class of the project's label sets, by its name.</summary>
    public static CodedConcept TypeFor(string className) => className switch
    {
        "ground-glass opacity" => GroundGlassOpacity,
        "consolidation" => Consolidation,
        "pleural effusion" => PleuralEffusion,
        _ => Lesion,
    };
}

using CovidSeg.Labels;

namespace CovidSeg.Data;

/// <summary>Opens a labelled data set folder in one of the <see cref="DatasetLayout"/>s.</summary>
public static class DatasetOpener
{
    /// <param name="labels">Label set for layouts that do not fix it; when null, the folder's labels.json, else COVID-SemiSeg's for
    /// a folder layout and MedSeg's for NIfTI pairs.</param>
    public static ISegmentationDataset Open(string folder, DatasetLayout layout = DatasetLayout.Auto, LabelSet? labels = null)
    {
        if (!Directory.Exists(folder)) throw new InvalidInputException(folder, "data folder does not exist");
        var resolved = layout == DatasetLayout.Auto ? Detect(folder) : layout;
        labels ??= LabelSetFile.TryLoad(folder);
        return resolved switch
        {
            DatasetLayout.Folder => new FolderDataset(folder, labels),
            DatasetLayout.MedSeg => MedSegDataset.FromFolder(folder),
            DatasetLayout.Nifti => new NiftiVolumePairDataset(folder, labels ?? LabelSet.MedSeg),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
    }

    public static DatasetLayout Detect(string folder)
    {
        if (Directory.Exists(Path.Combine(folder, "images")) && Directory.Exists(Path.Combine(folder, "masks"))) return DatasetLayout.Folder;
        if (Directory.Exists(Path.Combine(folder, "imagesTr"))) return DatasetLayout.Nifti;
        if (File.Exists(Path.Combine(folder, "tr_im.nii.gz")) || File.Exists(Path.Combine(folder, "tr_im.nii"))) return DatasetLayout.MedSeg;
        throw new InvalidInputException(folder, "cannot tell the data layout: expected images/ + masks/ (folder), imagesTr/ + labelsTr/ (nifti) or tr_im.nii.gz + tr_mask.nii.gz (medseg)");
    }

    /// <summary>Label set by name: semiseg (3 classes) or medseg (4 classes).</summary>
    public static LabelSet LabelSetNamed(string name) => name.ToLowerInvariant() switch
    {
        "semiseg" => LabelSet.SemiSeg,
        "medseg" => LabelSet.MedSeg,
        _ => throw new CovidSegException($"unknown label set '{name}': use semiseg (background, GGO, consolidation) or medseg (adds pleural effusion)"),
    };
}

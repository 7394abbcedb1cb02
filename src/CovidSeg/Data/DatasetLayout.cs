namespace CovidSeg.Data;

/// <summary>How a labelled data set is laid out on disk.</summary>
public enum DatasetLayout
{
    /// <summary>Pick from what the folder holds.</summary>
    Auto,
    /// <summary><c>images/</c> + <c>masks/</c> matched by file stem (COVID-SemiSeg).</summary>
    Folder,
    /// <summary><c>tr_im.nii.gz</c> + <c>tr_mask.nii.gz</c> stacks of 2D slices (MedSeg).</summary>
    MedSeg,
    /// <summary><c>imagesTr/</c> + <c>labelsTr/</c> NIfTI volume pairs (nnU-Net), each axial slice a sample.</summary>
    Nifti,
}

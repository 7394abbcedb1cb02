namespace CovidSeg.Data.Augmentation;

/// <summary>How training samples are expanded or varied. Validation and test samples are never augmented.</summary>
public enum AugmentationMode
{
    /// <summary>The training samples as they are.</summary>
    None,
    /// <summary>
    /// The paper's offline expansion (Chen, Yao, Zhang 2020, §III-A): each slice plus its rotations by 90, 180 and
    /// 270 degrees and its scalings by 0.5 and 1.5, so six samples per slice, the same every epoch.
    /// </summary>
    Paper,
    /// <summary>A fresh random variant of each slice every epoch: quarter turns, flips, scale, intensity jitter.</summary>
    Online,
    /// <summary>
    /// A fresh random variant every epoch from a wider family (nnU-Net's default augmentation, in 2D): quarter turns and
    /// mirror, free rotation, scale, elastic deformation, gamma, contrast, gain, noise, blur and coarser resolution
    /// (<see cref="HeavyAugmentationOptions"/>).
    /// </summary>
    Heavy,
}

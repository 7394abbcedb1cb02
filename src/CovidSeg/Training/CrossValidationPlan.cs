using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Models;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// The paper's protocol (Chen et al. 2020, §III-C): every network trained and scored on the same seeded k folds, with
/// and without augmentation, augmentation applied to the training folds only. Sizes (folds, epochs, side, width) scale
/// it down to what a CPU can afford.
/// </summary>
/// <param name="Model">Options shared by every network; <see cref="ModelOptions.Arch"/> is replaced per network.</param>
public sealed record CrossValidationPlan(
    int Folds,
    IReadOnlyList<string> Archs,
    IReadOnlyList<AugmentationMode> Augmentations,
    ModelOptions Model,
    PreprocessingOptions Preprocessing,
    TrainingOptions Training)
{
    public void Validate()
    {
        if (Folds < 2) throw new CovidSegException($"cross-validation needs at least 2 folds, got {Folds}");
        if (Archs.Count == 0) throw new CovidSegException("no networks to compare");
        if (Augmentations.Count == 0) throw new CovidSegException("no augmentation modes to compare");
        foreach (var arch in Archs) (Model with { Arch = arch }).Validate();
        Training.Validate();
    }
}

using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Runs;
using CovidSeg.Training.SemiSupervised;

namespace CovidSeg.Training;

/// <summary>
/// The paper's protocol (Chen et al. 2020, §III-C): every network trained and scored on the same seeded k folds, with
/// and without augmentation, augmentation applied to the training folds only. Sizes (folds, epochs, side, width) scale
/// it down to what a CPU can afford.
/// </summary>
/// <param name="Model">Options shared by every network; <see cref="ModelOptions.Arch"/> is replaced per network.</param>
/// <param name="SelfTraining">
/// When set, each fold's network also teaches a student on its training slices plus pseudo-labelled unlabelled slices,
/// reported as network + <see cref="SelfTrainedSuffix"/>.
/// </param>
/// <param name="ChooseDecisionOffsets">
/// When set, once every fold of a network is trained, decision offsets are chosen on the held-out predictions
/// (<see cref="CrossValidationHeldOut"/>) and each fold is also reported with offsets chosen on the other folds, as
/// network + <see cref="OffsetsSuffix"/>.
/// </param>
/// <param name="Tta">
/// Test-time augmentation of the held-out predictions that <see cref="CrossValidationHeldOut"/> scores (row network +
/// <see cref="TtaSuffix"/>) and chooses decision offsets on; null or none for the fold models' own scores only.
/// </param>
/// <param name="FoldsToRun">
/// Null for every fold; otherwise the 0-based folds this process trains. Other folds are reported only when they are
/// finished already, so several processes (or machines sharing the folder) can train disjoint folds of one plan.
/// </param>
public sealed record CrossValidationPlan(
    int Folds,
    IReadOnlyList<string> Archs,
    IReadOnlyList<AugmentationMode> Augmentations,
    ModelOptions Model,
    PreprocessingOptions Preprocessing,
    TrainingOptions Training,
    SelfTrainingPlan? SelfTraining = null,
    IReadOnlyList<int>? FoldsToRun = null,
    bool ChooseDecisionOffsets = false,
    TestTimeAugmentation? Tta = null)
{
    /// <summary>The held-out predictions' test-time augmentation (<see cref="TestTimeAugmentation.None"/> when not asked).</summary>
    public TestTimeAugmentation HeldOutTta => Tta ?? TestTimeAugmentation.None;

    /// <summary>Marks the rows of a network scored with test-time augmentation <paramref name="tta"/>.</summary>
    public static string TtaSuffix(TestTimeAugmentation tta) => TtaSuffixStart + tta.Name;

    /// <summary>What every <see cref="TtaSuffix"/> starts with.</summary>
    public const string TtaSuffixStart = "@tta-";

    public const string SelfTrainedSuffix = "+self-training";

    /// <summary>Marks the row of a network's last-epoch weights when its model is their average (<see cref="TrainingOptions.AverageLastEpochs"/>).</summary>
    public const string LastEpochSuffix = "@last-epoch";

    /// <summary>Marks the row of a network scored with decision offsets chosen on the other folds.</summary>
    public const string OffsetsSuffix = "@decision-offsets";

    /// <summary>
    /// The rows of the result tables: each network; after it, when weights are averaged, the same runs scored with their
    /// last epoch's weights; and then its self-trained student when there is one.
    /// </summary>
    public IReadOnlyList<string> ReportedArchs => Archs.SelectMany(a => new[]
        {
            a,
            Training.AverageLastEpochs > 0 ? a + LastEpochSuffix : null,
            HeldOutTta.IsNone ? null : a + TtaSuffix(HeldOutTta),
            ChooseDecisionOffsets ? a + (HeldOutTta.IsNone ? "" : TtaSuffix(HeldOutTta)) + OffsetsSuffix : null,
            SelfTraining is null ? null : a + SelfTrainedSuffix,
        }.OfType<string>()).ToList();

    /// <summary>True when this process trains fold <paramref name="fold"/> (0-based).</summary>
    public bool Trains(int fold) => FoldsToRun is null || FoldsToRun.Contains(fold);

    public void Validate()
    {
        if (Folds < 2) throw new CovidSegException($"cross-validation needs at least 2 folds, got {Folds}");
        if (FoldsToRun?.Where(f => f < 0 || f >= Folds).Select(f => (int?)f).FirstOrDefault() is int bad)
            throw new CovidSegException($"fold {bad + 1} was asked for, but there are {Folds} folds (1..{Folds})");
        if (FoldsToRun is { Count: 0 }) throw new CovidSegException("no folds to run");
        if (Archs.Count == 0) throw new CovidSegException("no networks to compare");
        if (Augmentations.Count == 0) throw new CovidSegException("no augmentation modes to compare");
        foreach (var arch in Archs) (Model with { Arch = arch }).Validate();
        Training.Validate();
        // Stopping on the held-out fold's Dice would let the slices being scored choose the model.
        if (Training.EarlyStoppingPatience > 0)
            throw new CovidSegException("early stopping watches the validation slices, which in cross-validation are the held-out fold being scored; drop --early-stop");
        SelfTraining?.Options.Validate();
    }
}

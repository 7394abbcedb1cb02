using CovidSeg.Data;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// Self-training: <paramref name="Teacher"/> says what the teacher trains on (the labelled training slices only) and
/// where; each student trains on the same labelled slices plus the teacher's pseudo-labels of
/// <paramref name="Unlabelled"/>, with the teacher's options but <see cref="PseudoLabelOptions.StudentEpochs"/> epochs,
/// and validates on the teacher's validation slices. The last round's student is written to
/// <paramref name="StudentDirectory"/>; earlier rounds to its round-K sub-folders.
/// </summary>
public sealed record SelfTrainingRequest(
    TrainingRequest Teacher,
    UnlabelledImages Unlabelled,
    PseudoLabelOptions Pseudo,
    string StudentDirectory);

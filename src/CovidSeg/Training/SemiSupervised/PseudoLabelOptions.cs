namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// How a trained teacher labels unlabelled slices for self-training (a student trained on the labelled slices plus
/// the teacher's confident labels, Lee 2013; Xie et al. 2020 "Self-training with Noisy Student"; Inf-Net's
/// semi-supervised loop, Fan et al. 2020).
/// </summary>
/// <param name="Threshold">
/// A pixel keeps the teacher's class when that class's probability (averaged over the four mirror images) is at least
/// this, or at least its class's balanced threshold (<paramref name="ClassKeepShare"/>); other pixels are ignored by the loss.
/// </param>
/// <param name="ClassKeepShare">
/// Each class keeps at least this share of the pixels the teacher gives it, its most confident ones
/// (<see cref="ClassThresholds"/>), so rare classes keep pseudo-labels; 0 = the global threshold only.
/// </param>
/// <param name="Slices">Unlabelled slices added to each student's training set.</param>
/// <param name="Candidates">
/// Unlabelled slices the teacher labels, drawn at random (seeded) from the folder; of those with at least
/// <paramref name="MinConfidentFraction"/> confident pixels and <paramref name="MinLesionFraction"/> confident lesion
/// pixels (the labelled slices nearly all show lesions; slices the teacher calls empty would teach the student mostly
/// background), the <paramref name="Slices"/> with the largest share of confident pixels are kept. 0 labels every
/// slice of the folder.
/// </param>
/// <param name="MinConfidentFraction">Slices with a smaller share of confident pixels are never used.</param>
/// <param name="MinLesionFraction">Slices with a smaller share of confident lesion pixels are never used.</param>
/// <param name="MatchIntensities">
/// Map each unlabelled slice's grey levels onto the histogram of the teacher's labelled training slices before it is
/// labelled and trained on (<see cref="Imaging.HistogramMatching"/>): unlabelled slices from other sources come in
/// other display windows.
/// </param>
/// <param name="Rounds">Teacher → student rounds; each student becomes the next round's teacher.</param>
/// <param name="StudentEpochs">
/// Epochs of each student. A student's epoch holds every pseudo-labelled slice and the labelled slices repeated until
/// they are about as many (so the teacher's mistakes cannot outvote the truth), and is that much longer.
/// </param>
public sealed record PseudoLabelOptions(
    double Threshold = 0.9,
    double ClassKeepShare = 0.5,
    int Slices = 300,
    int Candidates = 600,
    double MinConfidentFraction = 0.5,
    double MinLesionFraction = 0.005,
    bool MatchIntensities = true,
    int Rounds = 1,
    int StudentEpochs = 20)
{
    public PseudoLabelOptions Validate()
    {
        if (!(Threshold > 0 && Threshold <= 1)) throw new CovidSegException($"pseudo-label threshold must be in (0, 1], got {Threshold}");
        if (!(ClassKeepShare >= 0 && ClassKeepShare <= 1)) throw new CovidSegException($"class keep share must be in [0, 1], got {ClassKeepShare}");
        if (Slices < 1) throw new CovidSegException($"pseudo-labelled slices must be at least 1, got {Slices}");
        if (Candidates != 0 && Candidates < Slices)
            throw new CovidSegException($"pseudo-label candidates ({Candidates}) must be 0 (all) or at least the slices kept ({Slices})");
        if (!(MinConfidentFraction >= 0 && MinConfidentFraction <= 1))
            throw new CovidSegException($"minimum confident fraction must be in [0, 1], got {MinConfidentFraction}");
        if (!(MinLesionFraction >= 0 && MinLesionFraction <= 1))
            throw new CovidSegException($"minimum lesion fraction must be in [0, 1], got {MinLesionFraction}");
        if (Rounds < 1) throw new CovidSegException($"self-training rounds must be at least 1, got {Rounds}");
        if (StudentEpochs < 1) throw new CovidSegException($"student epochs must be at least 1, got {StudentEpochs}");
        return this;
    }
}

namespace CovidSeg.Evaluation;

/// <summary>The <see cref="OverlapScores"/> of one class, labelled with its index and name from the label set.</summary>
public sealed record ClassScores(
    int ClassIndex,
    string ClassName,
    OverlapScores Scores);

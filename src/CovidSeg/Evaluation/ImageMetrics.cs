using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>One evaluated image: its identifier, its pixel counts and the scores computed from them.</summary>
public sealed record ImageMetrics(
    string Id,
    [property: JsonPropertyName("confusion_matrix")] ConfusionMatrix Confusion,
    SegmentationScores Scores)
{
    public static ImageMetrics FromMatrix(string id, ConfusionMatrix confusion, IReadOnlyList<string> classNames) =>
        new(id, confusion, SegmentationScores.FromMatrix(confusion, classNames));
}

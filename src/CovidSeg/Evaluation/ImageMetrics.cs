using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>One evaluated image: its identifier, its pixel counts and the scores computed from them.</summary>
public sealed record ImageMetrics(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("confusion_matrix")] ConfusionMatrix Confusion,
    [property: JsonPropertyName("scores")] SegmentationScores Scores)
{
    public static ImageMetrics FromMatrix(string id, ConfusionMatrix confusion, IReadOnlyList<string> classNames) =>
        new(id, confusion, SegmentationScores.FromMatrix(confusion, classNames));
}

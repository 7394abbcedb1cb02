using System.Text.Json.Serialization;

namespace CovidSeg.Evaluation;

/// <summary>The <see cref="OverlapScores"/> of one class, labelled with its index and name from the label set.</summary>
public sealed record ClassScores(
    [property: JsonPropertyName("class_index")] int ClassIndex,
    [property: JsonPropertyName("class_name")] string ClassName,
    [property: JsonPropertyName("scores")] OverlapScores Scores);

namespace CovidSeg.PostProcessing;

/// <summary>What a network's per-class map holds: raw logits (softmax still to apply) or probabilities.</summary>
public enum ScoreKind
{
    Logits,
    Probabilities,
}

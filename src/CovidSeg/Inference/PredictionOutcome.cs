namespace CovidSeg.Inference;

/// <summary>
/// What happened to one input of <c>covidseg predict</c>: its report, or the reason it failed (one line naming the
/// file). Overlays are PNG bytes for the HTML report, whether or not they were also written as files.
/// </summary>
public sealed record PredictionOutcome(string Input, InfectionQuantification? Report, string? Error, IReadOnlyList<RenderedOverlay> Overlays)
{
    public bool Succeeded => Error is null;
}

/// <summary>An overlay image as PNG bytes with a caption ("slice 12" for a volume).</summary>
public sealed record RenderedOverlay(string Caption, byte[] Png);

namespace CovidSeg.Inference;

/// <summary>
/// Wall-clock seconds that <see cref="Predictor"/> spent on one input, step by step, so a slow run shows where the time
/// went: reading the input, the network (<see cref="Segmenter"/>: preparation, forward passes and resizing the scores
/// back), the classical lung mask (or reading the given one), overlays (rendering and PNG encoding), and counting the
/// classes plus writing the label file. <see cref="TotalSeconds"/> runs from the start of reading to the end of the
/// quantification; writing the report files themselves (which hold these numbers) is not in it.
/// </summary>
public sealed record PredictionTimings(double ReadSeconds, double SegmentationSeconds, double LungMaskSeconds,
    double OverlaySeconds, double QuantificationAndWriteSeconds, double TotalSeconds)
{
    /// <summary>Everything but the network: the work <see cref="Predictor"/> adds around <see cref="Segmenter"/>.</summary>
    public double NonNetworkSeconds => TotalSeconds - SegmentationSeconds;
}

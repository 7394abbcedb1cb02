using CovidSeg.Imaging;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// What a teacher says about one unlabelled slice, at the slice's own size: the most probable class of each pixel and
/// that class's probability (averaged over the four mirror images).
/// </summary>
public sealed record TeacherPrediction(string Id, GreyImage Image, byte[] Classes, float[] Confidence);

using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>Learning rate for an epoch under a <see cref="LearningRateScheduleKind"/>.</summary>
public static class LearningRateSchedule
{
    /// <param name="epoch">0-based epoch about to run.</param>
    public static double At(LearningRateScheduleKind kind, double initial, int epoch, int epochs)
    {
        double progress = epochs <= 1 ? 0 : Math.Clamp((double)epoch / epochs, 0, 1);
        return kind switch
        {
            LearningRateScheduleKind.Constant => initial,
            LearningRateScheduleKind.Cosine => initial * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * progress))),
            LearningRateScheduleKind.Poly => initial * Math.Pow(1 - progress, 0.9),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}

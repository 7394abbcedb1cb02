namespace CovidSeg.Phantom;

/// <summary>
/// Settings of the synthetic chest-CT phantom (<see cref="ChestPhantom"/>). Defaults give 256 x 256 slices over a
/// 358.4 mm field of view (0.7 mm x 512 px, a typical chest reconstruction), 2.5 mm apart in volumes.
/// </summary>
public sealed record PhantomOptions
{
    /// <summary>Side of a generated slice in pixels.</summary>
    public int Size { get; init; } = 256;
    /// <summary>Width of the reconstructed field of view in millimetres; pixel spacing = this / size.</summary>
    public double FieldOfViewMm { get; init; } = 358.4;
    /// <summary>Distance between the slices of a generated volume in millimetres.</summary>
    public double SliceThicknessMm { get; init; } = 2.5;
    /// <summary>Chance that a slice (or volume) shows ground-glass opacity (label 1).</summary>
    public double GroundGlassProbability { get; init; } = 0.7;
    /// <summary>Chance that a slice (or volume) shows consolidation (label 2).</summary>
    public double ConsolidationProbability { get; init; } = 0.5;
    /// <summary>Chance that a slice (or volume) shows pleural effusion (label 3).</summary>
    public double EffusionProbability { get; init; } = 0.35;
    /// <summary>Standard deviation of the image noise in Hounsfield units.</summary>
    public double NoiseSigmaHu { get; init; } = 12;

    public static PhantomOptions Default { get; } = new();

    /// <summary>Pixel size in millimetres for an image of <paramref name="pixels"/> across the field of view.</summary>
    public double SpacingFor(int pixels) => FieldOfViewMm / pixels;

    /// <summary>Throws <see cref="InvalidInputException"/> naming the first setting that makes no sense.</summary>
    public void Validate()
    {
        const string where = "phantom options";
        if (Size < 32 || Size > 4096) throw new InvalidInputException(where, $"size must be 32..4096 pixels, got {Size}");
        if (!(FieldOfViewMm >= 200 && FieldOfViewMm <= 1000))
            throw new InvalidInputException(where, $"field of view must be 200..1000 mm (the body must fit), got {FieldOfViewMm}");
        if (!(SliceThicknessMm > 0 && SliceThicknessMm <= 20))
            throw new InvalidInputException(where, $"slice thickness must be in (0, 20] mm, got {SliceThicknessMm}");
        CheckProbability(where, "ground-glass probability", GroundGlassProbability);
        CheckProbability(where, "consolidation probability", ConsolidationProbability);
        CheckProbability(where, "effusion probability", EffusionProbability);
        if (!(NoiseSigmaHu >= 0 && NoiseSigmaHu <= 500))
            throw new InvalidInputException(where, $"noise sigma must be 0..500 HU, got {NoiseSigmaHu}");
    }

    private static void CheckProbability(string where, string name, double p)
    {
        if (!(p >= 0 && p <= 1)) throw new InvalidInputException(where, $"{name} must be in [0, 1], got {p}");
    }
}

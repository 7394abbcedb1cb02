namespace CovidSeg.Phantom;

/// <summary>Draws the phantom needs from a seeded <see cref="Random"/>.</summary>
internal static class RandomExtensions
{
    public static double Uniform(this Random rng, double min, double max) => min + (max - min) * rng.NextDouble();

    public static bool Chance(this Random rng, double probability) => rng.NextDouble() < probability;

    /// <summary>Standard normal draw (Box-Muller, one of the pair; simple and deterministic).</summary>
    public static double Gaussian(this Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]: keeps the logarithm finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

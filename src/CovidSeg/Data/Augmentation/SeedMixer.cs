namespace CovidSeg.Data.Augmentation;

/// <summary>
/// Derives independent seeds from (seed, epoch, index) with SplitMix64 finalisers, so every sample of every epoch has
/// its own reproducible stream regardless of visiting order. (HashCode.Combine is randomised per process.)
/// </summary>
public static class SeedMixer
{
    public static int Mix(long seed, params ReadOnlySpan<long> parts)
    {
        ulong state = Finalise((ulong)seed + 0x9E3779B97F4A7C15UL);
        foreach (long part in parts)
            state = Finalise(state ^ ((ulong)part + 0x9E3779B97F4A7C15UL));
        return (int)(state >> 33);
    }

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

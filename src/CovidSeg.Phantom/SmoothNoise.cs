namespace CovidSeg.Phantom;

/// <summary>
/// Seeded 3D value noise: random values on an integer lattice, blended with a quintic fade, in [-1, 1]. It depends
/// only on the seed and the coordinates (not on call order), so a texture is the same whichever slice of a volume
/// is drawn first, and neighbouring slices see a smoothly changing pattern.
/// </summary>
internal readonly struct SmoothNoise(int seed)
{
    /// <summary>Noise at a point given in lattice units (one unit = the feature size).</summary>
    public float At(double x, double y, double z)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y), iz = (int)Math.Floor(z);
        double fx = Fade(x - ix), fy = Fade(y - iy), fz = Fade(z - iz);
        double c000 = Lattice(ix, iy, iz), c100 = Lattice(ix + 1, iy, iz);
        double c010 = Lattice(ix, iy + 1, iz), c110 = Lattice(ix + 1, iy + 1, iz);
        double c001 = Lattice(ix, iy, iz + 1), c101 = Lattice(ix + 1, iy, iz + 1);
        double c011 = Lattice(ix, iy + 1, iz + 1), c111 = Lattice(ix + 1, iy + 1, iz + 1);
        double x00 = c000 + (c100 - c000) * fx, x10 = c010 + (c110 - c010) * fx;
        double x01 = c001 + (c101 - c001) * fx, x11 = c011 + (c111 - c011) * fx;
        double y0 = x00 + (x10 - x00) * fy, y1 = x01 + (x11 - x01) * fy;
        return (float)(y0 + (y1 - y0) * fz);
    }

    /// <summary>Two octaves (feature size and half of it), still within [-1, 1].</summary>
    public float TwoOctaves(double x, double y, double z) =>
        (2f * At(x, y, z) + At(2 * x + 17.3, 2 * y + 5.1, 2 * z + 9.7)) / 3f;

    private static double Fade(double t) => t * t * t * (t * (t * 6 - 15) + 10);

    private double Lattice(int x, int y, int z)
    {
        uint h = Mix((uint)seed ^ 0x9E3779B9u);
        h = Mix(h ^ (uint)x);
        h = Mix(h + (uint)y * 0x85EBCA77u);
        h = Mix(h ^ (uint)z * 0xC2B2AE3Du);
        return h * (2.0 / uint.MaxValue) - 1.0;
    }

    /// <summary>The 32-bit finaliser of MurmurHash3: every input bit affects every output bit.</summary>
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2AE35u;
        h ^= h >> 16;
        return h;
    }
}

using CovidSeg.Imaging;

namespace CovidSeg.Phantom;

/// <summary>
/// Seeded synthetic axial chest CT with exact masks: CovidSeg's built-in data set for the demo, the synth command and
/// tests. A slice shows air, table, an elliptical body with subcutaneous fat, ribs, spine, sternum, mediastinum, heart,
/// aorta, and two lungs with branching vessels; inside the lungs the MedSeg classes (Chen et al. 2020 segment these)
/// appear with their usual CT look: ground-glass opacity (label 1: hazy, about -600..-450 HU, soft edges, often
/// peripheral, several patches), consolidation (label 2: dense, about -50..+35 HU, sharp edges, sometimes air
/// bronchograms) and pleural effusion (label 3: fluid, about +4..+20 HU, a smooth crescent along the posterior wall).
/// The same seed and options always give the same bytes.
/// </summary>
public static class ChestPhantom
{
    /// <summary>
    /// One slice of side <see cref="PhantomOptions.Size"/> at a random level of a random patient drawn from
    /// <paramref name="seed"/>.
    /// </summary>
    public static PhantomSlice GenerateSlice(int seed, PhantomOptions? options = null)
    {
        options ??= PhantomOptions.Default;
        options.Validate();
        var rng = new Random(seed);
        double z = rng.Uniform(-60, 60);
        var patient = new PhantomPatient(rng, z, z, options);
        int size = options.Size, n = size * size;
        double spacing = options.SpacingFor(size);
        var hu = new float[n];
        var labels = new byte[n];
        var lung = new byte[n];
        SliceRenderer.Render(patient, z, size, size, spacing, options.NoiseSigmaHu, rng, hu, labels, lung);
        return new PhantomSlice(
            new GreyImage(size, size, hu, IntensityScale.Hounsfield, (spacing, spacing)),
            new LabelMask(size, size, labels),
            new LabelMask(size, size, lung));
    }

    /// <summary>
    /// A stack of <paramref name="nz"/> axial slices of one patient, <see cref="PhantomOptions.SliceThicknessMm"/>
    /// apart and centred on mid-chest; the field of view spans the larger of <paramref name="nx"/> and
    /// <paramref name="ny"/> (square pixels). <see cref="PhantomOptions.Size"/> is not used.
    /// </summary>
    public static PhantomVolume GenerateVolume(int nx, int ny, int nz, int seed, PhantomOptions? options = null)
    {
        options ??= PhantomOptions.Default;
        options.Validate();
        if (nx < 32 || ny < 32 || nz < 1 || (long)nx * ny * nz > 512L * 512 * 512)
            throw new InvalidInputException("phantom volume", $"dimensions must be at least 32 x 32 x 1 and at most 512^3 voxels, got {nx} x {ny} x {nz}");
        double spacing = options.SpacingFor(Math.Max(nx, ny)), dz = options.SliceThicknessMm;
        double zFirst = -0.5 * (nz - 1) * dz, zLast = -zFirst;
        var rng = new Random(seed);
        var patient = new PhantomPatient(rng, zFirst, zLast, options);
        int slice = nx * ny;
        var hu = new float[slice * nz];
        var labels = new byte[slice * nz];
        var lung = new byte[slice * nz];
        int noiseSeed = rng.Next();
        for (int k = 0; k < nz; k++)
        {
            // Each slice has its own noise stream, so any slice can be reproduced alone.
            var noise = new Random(DeriveSeed(noiseSeed, k));
            SliceRenderer.Render(patient, zFirst + k * dz, nx, ny, spacing, options.NoiseSigmaHu, noise,
                hu.AsSpan(k * slice, slice), labels.AsSpan(k * slice, slice), lung.AsSpan(k * slice, slice));
        }
        return new PhantomVolume(nx, ny, nz, (spacing, spacing, dz), hu, labels, lung);
    }

    /// <summary>
    /// A well-mixed seed for item <paramref name="index"/> of a collection seeded with <paramref name="seed"/>
    /// (SplitMix64 finaliser), so neighbouring indices get unrelated patients.
    /// </summary>
    public static int DeriveSeed(int seed, int index)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}

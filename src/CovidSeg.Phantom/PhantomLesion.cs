namespace CovidSeg.Phantom;

/// <summary>One ellipsoid of a lesion blob, rotated in the axial plane; millimetres.</summary>
internal readonly record struct LesionEllipsoid(
    double X, double Y, double Z, double RadiusX, double RadiusY, double RadiusZ, double Rotation);

/// <summary>
/// A ground-glass or consolidation lesion: a union of ellipsoids whose surface is roughened by smooth 3D noise, with
/// its own mean density and texture. The shape value f is &lt; 1 inside; the mask is exactly f &lt; 1 (within the
/// lung), and the renderer uses how far below 1 f is to fade the density at soft edges.
/// </summary>
internal sealed class PhantomLesion
{
    public byte Label { get; }
    public IReadOnlyList<LesionEllipsoid> Parts { get; }
    /// <summary>Relative roughness of the surface (0.2 = the radius varies by up to ±20 %).</summary>
    public double Roughness { get; }
    public double RoughnessScaleMm { get; }
    /// <summary>Mean density in Hounsfield units.</summary>
    public double MeanHu { get; }
    /// <summary>Amplitude of the lesion's own low-frequency texture in Hounsfield units.</summary>
    public double TextureHu { get; }
    /// <summary>Air-filled bronchi crossing a consolidation (air bronchograms); empty for ground glass.</summary>
    public IReadOnlyList<TubeSegment> AirBronchi { get; }
    public SmoothNoise Noise { get; }

    private readonly double[] cos, sin;

    public PhantomLesion(byte label, IReadOnlyList<LesionEllipsoid> parts, double roughness, double roughnessScaleMm,
        double meanHu, double textureHu, IReadOnlyList<TubeSegment> airBronchi, int noiseSeed)
    {
        Label = label;
        Parts = parts;
        Roughness = roughness;
        RoughnessScaleMm = roughnessScaleMm;
        MeanHu = meanHu;
        TextureHu = textureHu;
        AirBronchi = airBronchi;
        Noise = new SmoothNoise(noiseSeed);
        cos = parts.Select(p => Math.Cos(p.Rotation)).ToArray();
        sin = parts.Select(p => Math.Sin(p.Rotation)).ToArray();
    }

    /// <summary>Shape value at a point: the smallest ellipsoid norm, scaled by the surface roughness.</summary>
    public double ShapeValue(double x, double y, double z)
    {
        double best = double.MaxValue;
        for (int i = 0; i < Parts.Count; i++)
        {
            var p = Parts[i];
            double dx = x - p.X, dy = y - p.Y, dz = z - p.Z;
            double u = (dx * cos[i] + dy * sin[i]) / p.RadiusX;
            double v = (-dx * sin[i] + dy * cos[i]) / p.RadiusY;
            double w = dz / p.RadiusZ;
            double n = u * u + v * v + w * w;
            if (n < best) best = n;
        }
        double s = RoughnessScaleMm;
        return Math.Sqrt(best) * (1 + Roughness * Noise.At(x / s, y / s, z / s));
    }

    /// <summary>In-plane box (mm) that holds the lesion's cross-section at z, or false when it misses the slice.</summary>
    public bool BoundsAt(double z, out double minX, out double minY, out double maxX, out double maxY)
    {
        minX = minY = double.MaxValue;
        maxX = maxY = double.MinValue;
        // f < 1 needs the plain norm below 1 / (1 - roughness).
        double grow = 1.0 / (1.0 - Roughness);
        bool any = false;
        foreach (var p in Parts)
        {
            double rz = p.RadiusZ * grow;
            if (Math.Abs(z - p.Z) >= rz) continue;
            double r = Math.Max(p.RadiusX, p.RadiusY) * grow;
            minX = Math.Min(minX, p.X - r); maxX = Math.Max(maxX, p.X + r);
            minY = Math.Min(minY, p.Y - r); maxY = Math.Max(maxY, p.Y + r);
            any = true;
        }
        return any;
    }
}

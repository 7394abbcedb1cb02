namespace CovidSeg.Phantom;

/// <summary>
/// A rotated ellipse whose radius is modulated by a few low harmonics, r(θ) = ellipse(θ)·(1 + Σ h_k·cos(kθ + φ_k)),
/// k = 2..4: an organic outline (body, lung, heart) that is cheap to test per pixel. Units are millimetres.
/// </summary>
internal readonly struct RadialShape
{
    public double CenterX { get; }
    public double CenterY { get; }
    /// <summary>Semi-axis along the shape's own x direction (before rotation).</summary>
    public double SemiAxisX { get; }
    public double SemiAxisY { get; }
    private readonly double cos, sin;
    private readonly double c2, s2, c3, s3, c4, s4;
    private readonly double maxExtent;

    public RadialShape(double centerX, double centerY, double semiAxisX, double semiAxisY, double rotation = 0,
        ReadOnlySpan<double> harmonics = default)
    {
        CenterX = centerX;
        CenterY = centerY;
        SemiAxisX = semiAxisX;
        SemiAxisY = semiAxisY;
        this.cos = Math.Cos(rotation);
        this.sin = Math.Sin(rotation);
        // harmonics = (c2, s2, c3, s3, c4, s4): coefficients of cos kθ and sin kθ, relative to the radius.
        if (harmonics.Length >= 6)
        {
            this.c2 = harmonics[0]; this.s2 = harmonics[1];
            this.c3 = harmonics[2]; this.s3 = harmonics[3];
            this.c4 = harmonics[4]; this.s4 = harmonics[5];
        }
        maxExtent = MaxExtent;
    }

    /// <summary>Random harmonic coefficients whose sum of magnitudes stays below <paramref name="amplitude"/>·1.5.</summary>
    public static double[] RandomHarmonics(Random rng, double amplitude)
    {
        var h = new double[6];
        for (int k = 2; k <= 4; k++)
        {
            double magnitude = amplitude / (k - 1) * rng.NextDouble();
            double phase = rng.Uniform(0, 2 * Math.PI);
            h[2 * (k - 2)] = magnitude * Math.Cos(phase);
            h[2 * (k - 2) + 1] = magnitude * Math.Sin(phase);
        }
        return h;
    }

    /// <summary>The same outline with its centre moved and its axes scaled.</summary>
    public RadialShape With(double centerX, double centerY, double semiAxisX, double semiAxisY) =>
        new(centerX, centerY, semiAxisX, semiAxisY, Math.Atan2(this.sin, this.cos), [this.c2, this.s2, this.c3, this.s3, this.c4, this.s4]);

    /// <summary>
    /// Distance of (x, y) from the centre divided by the boundary radius along the same ray (&lt; 1 inside).
    /// Also returns that boundary radius and the unit direction of the ray in image axes.
    /// </summary>
    public double NormalizedRadius(double x, double y, out double boundaryRadius, out double dirX, out double dirY)
    {
        double dx = x - CenterX, dy = y - CenterY;
        double r = Math.Sqrt(dx * dx + dy * dy);
        if (r < 1e-9) { dirX = 1; dirY = 0; }
        else { dirX = dx / r; dirY = dy / r; }
        // Direction in the shape's own frame.
        double c = dirX * this.cos + dirY * this.sin;
        double s = -dirX * this.sin + dirY * this.cos;
        double bc = SemiAxisY * c, as_ = SemiAxisX * s;
        double ellipse = SemiAxisX * SemiAxisY / Math.Sqrt(bc * bc + as_ * as_);
        double cos2 = c * c - s * s, sin2 = 2 * c * s;
        double cos3 = c * cos2 - s * sin2, sin3 = s * cos2 + c * sin2;
        double cos4 = cos2 * cos2 - sin2 * sin2, sin4 = 2 * sin2 * cos2;
        boundaryRadius = ellipse * (1 + this.c2 * cos2 + this.s2 * sin2 + this.c3 * cos3 + this.s3 * sin3 + this.c4 * cos4 + this.s4 * sin4);
        return r / boundaryRadius;
    }

    public bool Contains(double x, double y) => MayContain(x, y, 0) && NormalizedRadius(x, y, out _, out _, out _) < 1;

    /// <summary>Cheap bounding-circle test: false means certainly outside (grown by <paramref name="marginMm"/>).</summary>
    public bool MayContain(double x, double y, double marginMm)
    {
        double dx = x - CenterX, dy = y - CenterY;
        double reach = maxExtent + marginMm;
        return dx * dx + dy * dy <= reach * reach;
    }

    /// <summary>Inside the outline grown outwards by <paramref name="marginMm"/> along each ray.</summary>
    public bool ContainsWithMargin(double x, double y, double marginMm)
    {
        if (!MayContain(x, y, marginMm)) return false;
        double rho = NormalizedRadius(x, y, out double radius, out _, out _);
        return rho * radius < radius + marginMm;
    }

    /// <summary>A radius no point of the outline exceeds (for bounding boxes).</summary>
    public double MaxExtent =>
        Math.Max(SemiAxisX, SemiAxisY) * (1 + Math.Abs(this.c2) + Math.Abs(this.s2) + Math.Abs(this.c3) + Math.Abs(this.s3) + Math.Abs(this.c4) + Math.Abs(this.s4));
}

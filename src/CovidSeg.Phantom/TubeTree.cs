namespace CovidSeg.Phantom;

/// <summary>
/// Grows a binary branching tree of <see cref="TubeSegment"/>s: each branch splits into two thinner, shorter
/// children turned to either side, the way pulmonary vessels and bronchi taper from the hilum to the periphery.
/// </summary>
internal static class TubeTree
{
    /// <summary>
    /// Adds the branch from (x, y, z) along (dirX, dirY, dirZ) and, <paramref name="depth"/> levels deep, its
    /// children. <paramref name="zJitter"/> is how much each child may tilt out of plane (0 keeps the tree flat).
    /// </summary>
    public static void Grow(Random rng, List<TubeSegment> into,
        double x, double y, double z, double dirX, double dirY, double dirZ,
        double length, double radius, int depth, double zJitter)
    {
        Normalize(ref dirX, ref dirY, ref dirZ);
        double ex = x + dirX * length, ey = y + dirY * length, ez = z + dirZ * length;
        into.Add(new TubeSegment(x, y, z, ex, ey, ez, radius));
        if (depth <= 0) return;
        double turn = rng.Uniform(0.35, 0.7);
        for (int side = -1; side <= 1; side += 2)
        {
            // Turn in the axial plane (rotation about z), then tilt a little in z.
            double angle = side * turn + rng.Uniform(-0.15, 0.15);
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            double cx = dirX * cos - dirY * sin, cy = dirX * sin + dirY * cos;
            double cz = dirZ + rng.Uniform(-zJitter, zJitter);
            Grow(rng, into, ex, ey, ez, cx, cy, cz, length * rng.Uniform(0.65, 0.85), radius * 0.72, depth - 1, zJitter);
        }
    }

    private static void Normalize(ref double x, ref double y, ref double z)
    {
        double n = Math.Sqrt(x * x + y * y + z * z);
        if (n < 1e-12) { x = 1; y = 0; z = 0; return; }
        x /= n; y /= n; z /= n;
    }
}

namespace CovidSeg.Phantom;

/// <summary>
/// A straight 3D tube (capsule) from one point to another with a radius, in millimetres: one branch of a lung vessel
/// or of an air bronchogram. An axial slice cuts it into a dot (running along z) or a short line (running in plane).
/// </summary>
internal readonly record struct TubeSegment(
    double X0, double Y0, double Z0, double X1, double Y1, double Z1, double Radius)
{
    /// <summary>Distance from a point to the segment's axis.</summary>
    public double DistanceTo(double x, double y, double z)
    {
        double ux = X1 - X0, uy = Y1 - Y0, uz = Z1 - Z0;
        double lengthSquared = ux * ux + uy * uy + uz * uz;
        double t = lengthSquared > 0 ? ((x - X0) * ux + (y - Y0) * uy + (z - Z0) * uz) / lengthSquared : 0;
        t = Math.Clamp(t, 0, 1);
        double dx = x - (X0 + t * ux), dy = y - (Y0 + t * uy), dz = z - (Z0 + t * uz);
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>
    /// The in-plane box (mm) holding every point of the plane z = <paramref name="z"/> within
    /// <paramref name="reach"/> of the axis, or false when the tube does not come that close to the plane.
    /// </summary>
    public bool BoundsAt(double z, double reach, out double minX, out double minY, out double maxX, out double maxY)
    {
        minX = minY = maxX = maxY = 0;
        double dz = Z1 - Z0;
        double t0, t1;
        if (Math.Abs(dz) < 1e-9)
        {
            if (Math.Abs(Z0 - z) > reach) return false;
            t0 = 0; t1 = 1;
        }
        else
        {
            double ta = (z - reach - Z0) / dz, tb = (z + reach - Z0) / dz;
            t0 = Math.Max(0, Math.Min(ta, tb));
            t1 = Math.Min(1, Math.Max(ta, tb));
            if (t0 > t1) return false;
        }
        double xa = X0 + t0 * (X1 - X0), xb = X0 + t1 * (X1 - X0);
        double ya = Y0 + t0 * (Y1 - Y0), yb = Y0 + t1 * (Y1 - Y0);
        minX = Math.Min(xa, xb) - reach; maxX = Math.Max(xa, xb) + reach;
        minY = Math.Min(ya, yb) - reach; maxY = Math.Max(ya, yb) + reach;
        return true;
    }
}

namespace CovidSeg.Inference;

/// <summary>
/// The filled convex hull of a 2D binary mask (Andrew's monotone chain over pixel centres, then each row filled
/// between the hull's left and right edges). Used as the body outline in <see cref="LungMask"/>: air inside the hull
/// of the body is inside the patient even where a lung reaches the skin line on a coarse slice.
/// </summary>
public static class ConvexHullFill
{
    /// <summary>A new 0/1 mask of the pixels whose centres lie in the convex hull of the mask's pixel centres.</summary>
    public static byte[] Fill(byte[] mask, int width, int height)
    {
        if ((long)width * height != mask.Length) throw new ArgumentException($"a {width}x{height} mask needs {width * height} pixels, got {mask.Length}");
        // Only the leftmost and rightmost pixel of each row can be hull vertices.
        var points = new List<(long X, long Y)>();
        for (int y = 0; y < height; y++)
        {
            int first = -1, last = -1;
            for (int x = 0; x < width; x++)
            {
                if (mask[y * width + x] == 0) continue;
                if (first < 0) first = x;
                last = x;
            }
            if (first < 0) continue;
            points.Add((first, y));
            if (last != first) points.Add((last, y));
        }
        var result = new byte[mask.Length];
        if (points.Count == 0) return result;
        var hull = Hull(points);
        for (int y = 0; y < height; y++)
        {
            double left = double.PositiveInfinity, right = double.NegativeInfinity;
            for (int i = 0; i < hull.Count; i++)
            {
                var a = hull[i];
                var b = hull[(i + 1) % hull.Count];
                if ((a.Y < y && b.Y < y) || (a.Y > y && b.Y > y)) continue;
                if (a.Y == b.Y)
                {
                    left = Math.Min(left, Math.Min(a.X, b.X));
                    right = Math.Max(right, Math.Max(a.X, b.X));
                    continue;
                }
                double x = a.X + (double)(b.X - a.X) * (y - a.Y) / (b.Y - a.Y);
                left = Math.Min(left, x);
                right = Math.Max(right, x);
            }
            if (left > right) continue;
            int from = Math.Max(0, (int)Math.Ceiling(left - 1e-9)), to = Math.Min(width - 1, (int)Math.Floor(right + 1e-9));
            for (int x = from; x <= to; x++) result[y * width + x] = 1;
        }
        return result;
    }

    /// <summary>Convex hull vertices in counter-clockwise order (a single point or segment for degenerate input).</summary>
    private static List<(long X, long Y)> Hull(List<(long X, long Y)> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3) return sorted;
        var hull = new List<(long X, long Y)>();
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            int start = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        return hull;
    }

    private static long Cross((long X, long Y) o, (long X, long Y) a, (long X, long Y) b) =>
        (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}

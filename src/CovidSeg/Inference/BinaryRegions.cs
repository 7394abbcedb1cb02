namespace CovidSeg.Inference;

/// <summary>
/// Connected-region operations on one 2D binary mask (row-major bytes, 1 = in, 0 = out), in plain loops with an
/// explicit stack (no recursion, so large regions cannot overflow the call stack). Regions are 4-connected
/// (pixels sharing an edge), for the foreground and the background alike.
/// </summary>
public static class BinaryRegions
{
    /// <summary>
    /// Region number of every pixel (0 = outside the mask, regions numbered 1..count in raster order of their first
    /// pixel) and the pixel count of each region (index 0 unused).
    /// </summary>
    public static (int[] Regions, int[] Sizes) Label(byte[] mask, int width, int height)
    {
        Check(mask.Length, width, height);
        var regions = new int[mask.Length];
        var sizes = new List<int> { 0 };
        var stack = new Stack<int>();
        for (int start = 0; start < mask.Length; start++)
        {
            if (mask[start] == 0 || regions[start] != 0) continue;
            int id = sizes.Count, size = 0;
            regions[start] = id;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                size++;
                int x = p % width, y = p / width;
                if (x > 0) Visit(p - 1);
                if (x < width - 1) Visit(p + 1);
                if (y > 0) Visit(p - width);
                if (y < height - 1) Visit(p + width);
            }
            sizes.Add(size);

            void Visit(int q)
            {
                if (regions[q] == 0 && mask[q] != 0)
                {
                    regions[q] = id;
                    stack.Push(q);
                }
            }
        }
        return (regions, sizes.ToArray());
    }

    /// <summary>Clears every region that touches the image border (in place).</summary>
    public static void RemoveBorderConnected(byte[] mask, int width, int height)
    {
        var (regions, sizes) = Label(mask, width, height);
        var touches = new bool[sizes.Length];
        for (int x = 0; x < width; x++)
        {
            touches[regions[x]] = true;
            touches[regions[(height - 1) * width + x]] = true;
        }
        for (int y = 0; y < height; y++)
        {
            touches[regions[y * width]] = true;
            touches[regions[y * width + width - 1]] = true;
        }
        for (int i = 0; i < mask.Length; i++)
            if (regions[i] != 0 && touches[regions[i]]) mask[i] = 0;
    }

    /// <summary>
    /// Keeps at most <paramref name="maxRegions"/> largest regions, and of those only the ones with at least
    /// <paramref name="minShareOfLargest"/> of the largest region's pixels (in place). Returns how many were kept.
    /// </summary>
    public static int KeepLargest(byte[] mask, int width, int height, int maxRegions, double minShareOfLargest)
    {
        var (regions, sizes) = Label(mask, width, height);
        var order = Enumerable.Range(1, sizes.Length - 1).OrderByDescending(r => sizes[r]).ThenBy(r => r).ToList();
        var keep = new bool[sizes.Length];
        int kept = 0;
        foreach (int r in order.Take(maxRegions))
        {
            if (sizes[r] < minShareOfLargest * sizes[order[0]]) break;
            keep[r] = true;
            kept++;
        }
        for (int i = 0; i < mask.Length; i++)
            if (regions[i] != 0 && !keep[regions[i]]) mask[i] = 0;
        return kept;
    }

    /// <summary>Sets every background pixel that the border cannot reach through background (the holes), in place.</summary>
    public static void FillHoles(byte[] mask, int width, int height)
    {
        var background = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++) background[i] = mask[i] == 0 ? (byte)1 : (byte)0;
        var holes = (byte[])background.Clone();
        RemoveBorderConnected(holes, width, height);
        for (int i = 0; i < mask.Length; i++)
            if (holes[i] != 0) mask[i] = 1;
    }

    private static void Check(int length, int width, int height)
    {
        if (width < 1 || height < 1 || (long)width * height != length)
            throw new ArgumentException($"a {width}x{height} mask needs {(long)width * height} pixels, got {length}");
    }
}

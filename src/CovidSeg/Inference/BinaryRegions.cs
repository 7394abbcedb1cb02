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
        var stack = new int[mask.Length]; // each pixel is pushed at most once
        for (int start = 0; start < mask.Length; start++)
        {
            if (mask[start] == 0 || regions[start] != 0) continue;
            int id = sizes.Count;
            regions[start] = id;
            stack[0] = start;
            sizes.Add(Flood(mask, 1, regions, id, stack, 1, width, height));
        }
        return (regions, sizes.ToArray());
    }

    /// <summary>Clears every region that touches the image border (in place).</summary>
    public static void RemoveBorderConnected(byte[] mask, int width, int height)
    {
        Check(mask.Length, width, height);
        var reached = FloodFromBorder(mask, 1, width, height);
        for (int i = 0; i < mask.Length; i++)
            if (reached[i] != 0) mask[i] = 0;
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
        Check(mask.Length, width, height);
        var outside = FloodFromBorder(mask, 0, width, height);
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] == 0 && outside[i] == 0) mask[i] = 1;
    }

    /// <summary>Marks (1) the pixels of the given kind (1 = mask, 0 = background) connected to the image border through that kind.</summary>
    private static int[] FloodFromBorder(byte[] mask, byte kind, int width, int height)
    {
        var reached = new int[mask.Length];
        var stack = new int[mask.Length];
        int top = 0;
        void Seed(int p)
        {
            if (reached[p] == 0 && IsKind(mask[p], kind))
            {
                reached[p] = 1;
                stack[top++] = p;
            }
        }
        for (int x = 0; x < width; x++)
        {
            Seed(x);
            Seed((height - 1) * width + x);
        }
        for (int y = 0; y < height; y++)
        {
            Seed(y * width);
            Seed(y * width + width - 1);
        }
        Flood(mask, kind, reached, 1, stack, top, width, height);
        return reached;
    }

    /// <summary>
    /// Depth-first fill from the <paramref name="count"/> pixels on <paramref name="stack"/> (already marked) over
    /// 4-connected pixels of the given kind, marking each with <paramref name="id"/>; returns how many were popped.
    /// </summary>
    private static int Flood(byte[] mask, byte kind, int[] marks, int id, int[] stack, int count, int width, int height)
    {
        int popped = 0;
        while (count > 0)
        {
            int p = stack[--count];
            popped++;
            int x = p % width;
            if (x > 0 && marks[p - 1] == 0 && IsKind(mask[p - 1], kind)) { marks[p - 1] = id; stack[count++] = p - 1; }
            if (x < width - 1 && marks[p + 1] == 0 && IsKind(mask[p + 1], kind)) { marks[p + 1] = id; stack[count++] = p + 1; }
            if (p >= width && marks[p - width] == 0 && IsKind(mask[p - width], kind)) { marks[p - width] = id; stack[count++] = p - width; }
            if (p + width < mask.Length && marks[p + width] == 0 && IsKind(mask[p + width], kind)) { marks[p + width] = id; stack[count++] = p + width; }
        }
        return popped;
    }

    private static bool IsKind(byte value, byte kind) => kind == 0 ? value == 0 : value != 0;

    private static void Check(int length, int width, int height)
    {
        if (width < 1 || height < 1 || (long)width * height != length)
            throw new ArgumentException($"a {width}x{height} mask needs {(long)width * height} pixels, got {length}");
    }
}

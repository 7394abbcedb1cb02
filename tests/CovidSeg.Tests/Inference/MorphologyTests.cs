using CovidSeg.Phantom;
using CovidSeg.Inference;

namespace CovidSeg.Tests.Inference;

/// <summary>
/// <see cref="Morphology"/> (the disk decomposed into row runs, compared a SIMD vector at a time) against the textbook definitions on an infinite
/// plane of background, evaluated pixel by pixel over the disk.
/// </summary>
public class MorphologyTests
{
    private static bool InDisk(int dx, int dy, int r) => dx * dx + dy * dy <= r * r;

    private static bool At(byte[] mask, int w, int h, int x, int y) => x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x] != 0;

    /// <summary>Is plane point (x, y) within the disk of some mask pixel?</summary>
    private static bool Dilated(byte[] mask, int w, int h, int r, int x, int y)
    {
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                if (InDisk(dx, dy, r) && At(mask, w, h, x + dx, y + dy)) return true;
        return false;
    }

    /// <summary>Does the disk around plane point (x, y) lie wholly in the mask?</summary>
    private static bool Eroded(byte[] mask, int w, int h, int r, int x, int y)
    {
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                if (InDisk(dx, dy, r) && !At(mask, w, h, x + dx, y + dy)) return false;
        return true;
    }

    /// <summary>Dilation (or erosion) of the mask at every plane point of [-r, w + r) x [-r, h + r), indexed from -r.</summary>
    private static bool[,] OnPlane(byte[] mask, int w, int h, int r, bool dilate)
    {
        var plane = new bool[w + 2 * r, h + 2 * r];
        for (int y = -r; y < h + r; y++)
            for (int x = -r; x < w + r; x++)
                plane[x + r, y + r] = dilate ? Dilated(mask, w, h, r, x, y) : Eroded(mask, w, h, r, x, y);
        return plane;
    }

    /// <summary>Closing: image pixels whose whole disk lies in the dilation.</summary>
    internal static byte[] ReferenceClose(byte[] mask, int w, int h, int r)
    {
        var dilated = OnPlane(mask, w, h, r, dilate: true);
        var result = new byte[mask.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool all = true;
                for (int dy = -r; dy <= r && all; dy++)
                    for (int dx = -r; dx <= r && all; dx++)
                        if (InDisk(dx, dy, r) && !dilated[x + dx + r, y + dy + r]) all = false;
                result[y * w + x] = all ? (byte)1 : (byte)0;
            }
        return result;
    }

    /// <summary>Opening: image pixels whose disk holds a point of the erosion.</summary>
    internal static byte[] ReferenceOpen(byte[] mask, int w, int h, int r)
    {
        var eroded = OnPlane(mask, w, h, r, dilate: false);
        var result = new byte[mask.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool any = false;
                for (int dy = -r; dy <= r && !any; dy++)
                    for (int dx = -r; dx <= r && !any; dx++)
                        if (InDisk(dx, dy, r) && eroded[x + dx + r, y + dy + r]) any = true;
                result[y * w + x] = any ? (byte)1 : (byte)0;
            }
        return result;
    }

    private static byte[] RandomMask(Random rng, int w, int h, double density, int blobs)
    {
        var mask = new byte[w * h];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < density ? (byte)1 : (byte)0;
        // A few filled disks, so openings keep something and closings have holes and gaps to fill.
        for (int b = 0; b < blobs; b++)
        {
            int cx = rng.Next(w), cy = rng.Next(h), rr = rng.Next(1, Math.Max(2, Math.Min(w, h) / 3));
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if (InDisk(x - cx, y - cy, rr)) mask[y * w + x] = 1;
        }
        return mask;
    }

    [Fact]
    public void ClosingAndOpeningEqualTheDefinitionOnRandomMasks()
    {
        var rng = new Random(12345);
        int cases = 0;
        foreach (var (w, h) in new[] { (1, 1), (1, 9), (9, 1), (7, 5), (23, 17), (31, 40) })
            foreach (int r in new[] { 1, 2, 3, 5, 8, 25 })
                foreach (var (density, blobs) in new[] { (0.0, 0), (1.0, 0), (0.1, 2), (0.5, 0), (0.85, 1), (0.02, 4) })
                {
                    var mask = RandomMask(rng, w, h, density, blobs);
                    string what = $"{w}x{h}, r {r}, density {density}, {blobs} blobs";
                    Assert.True(ReferenceClose(mask, w, h, r).AsSpan().SequenceEqual(Morphology.Close(mask, w, h, r)), "closing " + what);
                    Assert.True(ReferenceOpen(mask, w, h, r).AsSpan().SequenceEqual(Morphology.Open(mask, w, h, r)), "opening " + what);
                    cases++;
                }
        Assert.Equal(216, cases);
    }

    [Fact]
    public void ClosingAndOpeningEqualTheDefinitionOnAPhantomLung()
    {
        // The radii LungMask uses on a 0.7 mm slice, on the true lung of a phantom slice (with its vessels cut out).
        var slice = ChestPhantom.GenerateSlice(3, new PhantomOptions { Size = 96 });
        var lung = slice.Lung.Labels.Select((b, i) => b != 0 && slice.Image.Pixels[i] < LungMask.AirThresholdHu ? (byte)1 : (byte)0).ToArray();
        Assert.True(ReferenceClose(lung, 96, 96, 7).AsSpan().SequenceEqual(Morphology.Close(lung, 96, 96, 7)));
        Assert.True(ReferenceOpen(lung, 96, 96, 4).AsSpan().SequenceEqual(Morphology.Open(lung, 96, 96, 4)));
    }

    [Fact]
    public void DilationAndErosionEqualTheDefinitionOnRandomMasks()
    {
        var rng = new Random(777);
        foreach (var (w, h) in new[] { (1, 1), (13, 4), (40, 33) }) // 40 columns: whole SIMD vectors and a remainder
            foreach (int r in new[] { 0, 1, 4, 9, 50 })
                foreach (double density in new[] { 0.0, 0.03, 0.6, 0.97, 1.0 })
                {
                    var mask = RandomMask(rng, w, h, density, 0);
                    var dilated = Morphology.Dilate(mask, w, h, r);
                    var eroded = Morphology.Erode(mask, w, h, r);
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                        {
                            Assert.True(Dilated(mask, w, h, r, x, y) == (dilated[y * w + x] == 1), $"dilation {w}x{h} r {r} density {density} at ({x}, {y})");
                            Assert.True(Eroded(mask, w, h, r, x, y) == (eroded[y * w + x] == 1), $"erosion {w}x{h} r {r} density {density} at ({x}, {y})");
                        }
                }
    }

    [Fact]
    public void RadiusBelowOneLeavesTheMaskAsItIs()
    {
        var mask = RandomMask(new Random(3), 11, 6, 0.4, 0);
        Assert.Equal(mask, Morphology.Close(mask, 11, 6, 0));
        Assert.Equal(mask, Morphology.Open(mask, 11, 6, 0));
    }
}

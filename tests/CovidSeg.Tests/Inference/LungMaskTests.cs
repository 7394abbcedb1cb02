using CovidSeg.Phantom;
using CovidSeg.Imaging;
using CovidSeg.Inference;

namespace CovidSeg.Tests.Inference;

public class LungMaskTests
{
    internal static double Dice(byte[] a, byte[] b)
    {
        long both = 0, sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bool x = a[i] != 0, y = b[i] != 0;
            if (x && y) both++;
            sum += (x ? 1 : 0) + (y ? 1 : 0);
        }
        return sum == 0 ? 1 : 2.0 * both / sum;
    }

    /// <summary>The true lung without pleural effusion: fluid is not air-dense, so a threshold method cannot see it.</summary>
    internal static byte[] AeratedLung(byte[] lung, byte[] labels) => lung.Select((b, i) => labels[i] == 3 ? (byte)0 : b).ToArray();

    [Fact]
    public void HounsfieldSliceLungMaskMatchesThePhantomLung()
    {
        var all = new List<double>();
        for (int seed = 1; seed <= 8; seed++)
        {
            var slice = ChestPhantom.GenerateSlice(seed, new PhantomOptions { Size = 128 });
            var result = LungMask.FromHounsfield(slice.Image);
            double aerated = Dice(result.Mask.Labels, AeratedLung(slice.Lung.Labels, slice.Labels.Labels));
            Assert.True(aerated > 0.9, $"seed {seed}: Dice vs true lung without effusion {aerated:F3}");
            all.Add(Dice(result.Mask.Labels, slice.Lung.Labels));
            Assert.Contains("-320 HU", result.Method);
        }
        Assert.True(all.Average() > 0.9, $"mean Dice vs true lung {all.Average():F3}");
    }

    [Fact]
    public void DisplayImageLungEstimateMatchesThePhantomLung()
    {
        for (int seed = 5; seed < 8; seed++)
        {
            var slice = ChestPhantom.GenerateSlice(seed, new PhantomOptions { Size = 128 });
            var display = new GreyImage(128, 128, Array.ConvertAll(GreyLevels.ToDisplay8(slice.Image), b => (float)b), IntensityScale.Display8Bit);
            var result = LungMask.FromDisplay(display);
            double dice = Dice(result.Mask.Labels, AeratedLung(slice.Lung.Labels, slice.Labels.Labels));
            Assert.True(dice > 0.9, $"seed {seed}: Dice vs true lung without effusion {dice:F3}");
            Assert.Contains("Otsu", result.Method);
        }
    }

    /// <summary>
    /// COVID-SemiSeg's slices are cropped to the chest, so the lungs reach the image edge. The border-connected air that
    /// a whole-body field of view must drop is lung here (before this was handled, one lung or both were lost).
    /// </summary>
    [Fact]
    public void DisplaySliceCroppedToTheLungsKeepsLungsThatReachTheEdge()
    {
        for (int seed = 5; seed < 8; seed++)
        {
            var slice = ChestPhantom.GenerateSlice(seed, new PhantomOptions { Size = 128 });
            var lung = AeratedLung(slice.Lung.Labels, slice.Labels.Labels);
            int x0 = 127, x1 = 0, y0 = 127, y1 = 0;
            for (int y = 0; y < 128; y++)
            for (int x = 0; x < 128; x++)
                if (lung[y * 128 + x] != 0) (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
            // Cut inside the lungs' bounding box by 2 pixels, so both lungs touch the edge.
            (x0, x1, y0, y1) = (x0 + 2, x1 - 2, y0 + 2, y1 - 2);
            int w = x1 - x0 + 1, h = y1 - y0 + 1;
            byte[] levels = GreyLevels.ToDisplay8(slice.Image);
            var pixels = new float[w * h];
            var cropLung = new byte[w * h];
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                pixels[y * w + x] = levels[(y + y0) * 128 + x + x0];
                cropLung[y * w + x] = lung[(y + y0) * 128 + x + x0];
            }
            var display = new GreyImage(w, h, pixels, IntensityScale.Display8Bit);
            var result = LungMask.FromDisplay(display);
            double dice = Dice(result.Mask.Labels, cropLung);
            Assert.True(dice > 0.85, $"seed {seed}: Dice vs true lung without effusion {dice:F3} on a {w}x{h} crop");
        }
    }

    [Fact]
    public void CroppedSlicesAreToldFromWholeBodyViewsByTheirBorder()
    {
        // 1 = air. A whole field of view: air all round the body. A crop: tissue all round, lung touching one side.
        var whole = new byte[10 * 10];
        for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
            whole[y * 10 + x] = x is 0 or 9 || y is 0 or 9 ? (byte)1 : (byte)0;
        var crop = new byte[10 * 10];
        for (int y = 2; y < 6; y++)
        for (int x = 0; x < 4; x++)
            crop[y * 10 + x] = 1;
        Assert.False(LungMask.IsCroppedToChest(whole, 10, 10));
        Assert.True(LungMask.IsCroppedToChest(crop, 10, 10));
    }

    [Fact]
    public void VolumeLungMaskSliceBySliceMatchesThePhantomLung()
    {
        var volume = ChestPhantom.GenerateVolume(96, 96, 6, seed: 21);
        var predicted = new byte[volume.Lung.Length];
        for (int z = 0; z < volume.Nz; z++)
            LungMask.FromHounsfield(volume.ImageSlice(z)).Mask.Labels.CopyTo(predicted, z * volume.SliceLength);
        double dice = Dice(predicted, volume.Lung);
        Assert.True(dice > 0.9, $"Dice vs true lung {dice:F3}");
    }

    [Fact]
    public void OtsuSplitsTwoLevelsBetweenThem()
    {
        var levels = Enumerable.Repeat((byte)40, 100).Concat(Enumerable.Repeat((byte)200, 50)).ToArray();
        int t = LungMask.OtsuThreshold(levels);
        Assert.Equal(41, t); // the lowest threshold with all 40s below and all 200s above
    }

    [Fact]
    public void RegionsAreFoundFilledAndRemovedFromTheBorder()
    {
        // 7x5: a ring with a hole (region A), a single pixel touching the border (region B).
        string[] rows =
        [
            "1000000",
            "0011100",
            "0010100",
            "0011100",
            "0000000",
        ];
        var mask = rows.SelectMany(r => r.Select(c => (byte)(c - '0'))).ToArray();
        var (regions, sizes) = BinaryRegions.Label(mask, 7, 5);
        Assert.Equal([0, 1, 8], sizes);
        Assert.Equal(2, regions[1 * 7 + 2]);
        BinaryRegions.RemoveBorderConnected(mask, 7, 5);
        Assert.Equal(0, mask[0]);
        BinaryRegions.FillHoles(mask, 7, 5);
        Assert.Equal(9, mask.Count(b => b == 1));
        Assert.Equal(1, mask[2 * 7 + 3]);
    }

    [Fact]
    public void ClosingBridgesAGapNarrowerThanTheDisk()
    {
        // Two 3x3 squares one column apart. The radius-1 disk is a plus sign: closing fills the gap pixel in the middle
        // row (all four of its neighbours survive the dilation) but not the corner rows.
        var mask = new byte[9 * 7];
        for (int y = 2; y < 5; y++)
            foreach (int x in new[] { 1, 2, 3, 5, 6, 7 }) mask[y * 9 + x] = 1;
        var closed = Morphology.Close(mask, 9, 7, 1);
        Assert.Equal(1, closed[3 * 9 + 4]);
        Assert.Equal(0, closed[2 * 9 + 4]);
        Assert.Equal(0, closed[4 * 9 + 4]);
        Assert.Equal(19, closed.Count(b => b == 1));
    }
}

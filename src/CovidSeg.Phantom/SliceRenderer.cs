namespace CovidSeg.Phantom;

/// <summary>
/// Draws one axial slice of a <see cref="PhantomPatient"/> into Hounsfield, label and lung buffers. Labels are decided
/// from the continuous shapes at each pixel centre, so they are exact; the image then gets a slight blur (partial
/// volume) and spatially correlated noise, as a reconstructed CT slice has.
/// </summary>
internal static class SliceRenderer
{
    public static void Render(PhantomPatient patient, double z, int width, int height, double spacingMm, double noiseSigmaHu,
        Random noiseRng, Span<float> hu, Span<byte> labels, Span<byte> lungMask)
    {
        var anatomy = patient.AnatomyAt(z);
        int n = width * height;
        var value = new float[n];
        var lungOf = new sbyte[n];
        double x0 = -0.5 * width * spacingMm + 0.5 * spacingMm, y0 = -0.5 * height * spacingMm + 0.5 * spacingMm;

        for (int j = 0; j < height; j++)
        {
            double y = y0 + j * spacingMm;
            for (int i = 0; i < width; i++)
            {
                double x = x0 + i * spacingMm;
                int idx = j * width + i;
                int lung = anatomy.LungAt(x, y);
                lungOf[idx] = (sbyte)lung;
                value[idx] = lung >= 0 ? anatomy.ParenchymaAt(x, y, z, lung) : anatomy.TissueAt(x, y);
                labels[idx] = 0;
                lungMask[idx] = lung >= 0 ? (byte)1 : (byte)0;
            }
        }

        // Vessels: keep the largest partial-volume weight per pixel, then blend towards blood density.
        var vesselWeight = new float[n];
        foreach (var tube in patient.Vessels)
            DrawTube(tube, z, width, height, spacingMm, x0, y0, lungOf, vesselWeight);
        for (int idx = 0; idx < n; idx++)
            if (vesselWeight[idx] > 0) value[idx] += vesselWeight[idx] * (SliceAnatomy.VesselHu - value[idx]);

        foreach (var lesion in patient.Lesions)
            DrawLesion(lesion, z, width, height, spacingMm, x0, y0, lungOf, value, labels);

        for (int k = 0; k < 2; k++)
        {
            if (anatomy.Effusions[k] is not { } effusion) continue;
            for (int j = 0; j < height; j++)
                for (int i = 0; i < width; i++)
                {
                    int idx = j * width + i;
                    if (lungOf[idx] != k || !anatomy.InEffusion(k, x0 + i * spacingMm, y0 + j * spacingMm)) continue;
                    labels[idx] = 3;
                    value[idx] = effusion.Hu;
                }
        }

        var blurred = Blur(value, width, height);
        var noise = new float[n];
        for (int idx = 0; idx < n; idx++) noise[idx] = (float)noiseRng.Gaussian();
        noise = Blur(noise, width, height);
        // A [1 2 1]/4 blur in x and y scales the standard deviation of white noise by 6/16 = 0.375.
        float noiseScale = (float)(noiseSigmaHu / 0.375);
        for (int idx = 0; idx < n; idx++)
            hu[idx] = Math.Clamp(blurred[idx] + noiseScale * noise[idx], -1024f, 3071f);
    }

    private static void DrawTube(in TubeSegment tube, double z, int width, int height, double spacing, double x0, double y0,
        sbyte[] lungOf, float[] weight)
    {
        double reach = tube.Radius + spacing;
        if (!tube.BoundsAt(z, reach, out double minX, out double minY, out double maxX, out double maxY)) return;
        PixelRange(minX, maxX, x0, spacing, width, out int i0, out int i1);
        PixelRange(minY, maxY, y0, spacing, height, out int j0, out int j1);
        for (int j = j0; j <= j1; j++)
            for (int i = i0; i <= i1; i++)
            {
                int idx = j * width + i;
                if (lungOf[idx] < 0) continue;
                double d = tube.DistanceTo(x0 + i * spacing, y0 + j * spacing, z);
                // Partial volume: a pixel half covered by the tube gets half its density.
                float w = (float)Math.Clamp((tube.Radius - d) / spacing + 0.5, 0, 1);
                if (w > weight[idx]) weight[idx] = w;
            }
    }

    private static void DrawLesion(PhantomLesion lesion, double z, int width, int height, double spacing, double x0, double y0,
        sbyte[] lungOf, float[] value, Span<byte> labels)
    {
        if (!lesion.BoundsAt(z, out double minX, out double minY, out double maxX, out double maxY)) return;
        PixelRange(minX, maxX, x0, spacing, width, out int i0, out int i1);
        PixelRange(minY, maxY, y0, spacing, height, out int j0, out int j1);
        bool groundGlass = lesion.Label == 1;
        for (int j = j0; j <= j1; j++)
            for (int i = i0; i <= i1; i++)
            {
                int idx = j * width + i;
                if (lungOf[idx] < 0) continue;
                double x = x0 + i * spacing, y = y0 + j * spacing;
                double f = lesion.ShapeValue(x, y, z);
                if (f >= 1) continue;
                labels[idx] = lesion.Label;
                float target = (float)(lesion.MeanHu + lesion.TextureHu * lesion.Noise.TwoOctaves(x / 7 + 31.7, y / 7 + 11.3, z / 7 + 5.9));
                if (groundGlass)
                {
                    // Hazy: raises the lung towards the target but leaves vessels visible; wide soft edge.
                    float w = 0.35f + 0.65f * SmoothStep((1 - f) / 0.4);
                    value[idx] += w * Math.Max(0, target - value[idx]);
                }
                else
                {
                    // Dense: replaces lung and vessels; narrow edge; air-filled bronchi stay dark.
                    float w = 0.55f + 0.45f * SmoothStep((1 - f) / 0.12);
                    float v = value[idx] + w * (target - value[idx]);
                    float air = 0;
                    foreach (var bronchus in lesion.AirBronchi)
                        air = Math.Max(air, (float)Math.Clamp((bronchus.Radius - bronchus.DistanceTo(x, y, z)) / spacing + 0.5, 0, 1));
                    value[idx] = v + air * (SliceAnatomy.AirBronchusHu - v);
                }
            }
    }

    private static float SmoothStep(double t)
    {
        t = Math.Clamp(t, 0, 1);
        return (float)(t * t * (3 - 2 * t));
    }

    /// <summary>Pixel indices whose centres fall in [min, max] mm, clipped to the image.</summary>
    private static void PixelRange(double min, double max, double origin, double spacing, int size, out int first, out int last)
    {
        first = Math.Max(0, (int)Math.Ceiling((min - origin) / spacing));
        last = Math.Min(size - 1, (int)Math.Floor((max - origin) / spacing));
    }

    /// <summary>Separable [1 2 1]/4 blur with edge clamping.</summary>
    private static float[] Blur(float[] src, int width, int height)
    {
        var tmp = new float[src.Length];
        var dst = new float[src.Length];
        for (int j = 0; j < height; j++)
        {
            int row = j * width;
            for (int i = 0; i < width; i++)
            {
                float left = src[row + Math.Max(0, i - 1)], right = src[row + Math.Min(width - 1, i + 1)];
                tmp[row + i] = 0.25f * left + 0.5f * src[row + i] + 0.25f * right;
            }
        }
        for (int j = 0; j < height; j++)
        {
            int up = Math.Max(0, j - 1) * width, down = Math.Min(height - 1, j + 1) * width, row = j * width;
            for (int i = 0; i < width; i++)
                dst[row + i] = 0.25f * tmp[up + i] + 0.5f * tmp[row + i] + 0.25f * tmp[down + i];
        }
        return dst;
    }
}

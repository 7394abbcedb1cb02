namespace CovidSeg.Phantom;

/// <summary>Pleural effusion of one lung at one z: how thick the dependent crescent is and where it starts.</summary>
internal readonly record struct EffusionCut(double ThicknessMm, double StartSine, float Hu);

/// <summary>
/// The phantom's anatomy cut at one axial position: concrete outlines in millimetres (image centre = origin, x to the
/// image right = patient left, y down = posterior). Answers per-point questions: which tissue, which lung, whether a
/// point lies in a pleural effusion.
/// </summary>
internal sealed class SliceAnatomy
{
    // Typical unenhanced CT densities (HU).
    public const float AirHu = -1000f, FatHu = -100f, MediastinalFatHu = -85f, MuscleHu = 45f, SkinHu = 20f;
    public const float BloodHu = 38f, CortexHu = 700f, MarrowHu = 230f, FluidHu = 12f, TableHu = 80f;
    public const float VesselHu = 40f, AirBronchusHu = -920f, ExtrapleuralFatHu = -70f;

    public required RadialShape Body { get; init; }
    public required double FatMm { get; init; }
    public required double TableTopY { get; init; }
    public required RadialShape Mediastinum { get; init; }
    public required RadialShape Heart { get; init; }
    public required RadialShape Aorta { get; init; }
    public required RadialShape Esophagus { get; init; }
    public required RadialShape Vertebra { get; init; }
    public required RadialShape SpinalCanal { get; init; }
    public required RadialShape SpinousProcess { get; init; }
    public required RadialShape[] TransverseProcesses { get; init; }
    public required RadialShape Sternum { get; init; }
    public required RadialShape[] Ribs { get; init; }
    /// <summary>Right lung (image left, index 0) and left lung (image right, index 1).</summary>
    public required RadialShape[] Lungs { get; init; }
    public required EffusionCut?[] Effusions { get; init; }
    public required float ParenchymaHu { get; init; }
    public required SmoothNoise Texture { get; init; }

    /// <summary>Index of the lung (0 or 1) that holds the point, or -1; the mediastinum and spine are carved out.</summary>
    public int LungAt(double x, double y)
    {
        for (int k = 0; k < 2; k++)
        {
            if (!Lungs[k].Contains(x, y)) continue;
            if (Mediastinum.ContainsWithMargin(x, y, 2) || Heart.ContainsWithMargin(x, y, 3)
                || Aorta.ContainsWithMargin(x, y, 3) || Esophagus.ContainsWithMargin(x, y, 3)
                || Vertebra.ContainsWithMargin(x, y, 6) || TransverseProcesses[k].ContainsWithMargin(x, y, 4))
                return -1;
            return k;
        }
        return -1;
    }

    /// <summary>Lung parenchyma density: mottled, a little denser in the dependent (posterior) part.</summary>
    public float ParenchymaAt(double x, double y, double z, int lung)
    {
        var shape = Lungs[lung];
        double dependent = Math.Max(0, (y - shape.CenterY) / shape.SemiAxisY);
        return ParenchymaHu + 22f * Texture.TwoOctaves(x / 6, y / 6, z / 6) + (float)(40 * dependent * dependent);
    }

    /// <summary>Whether a point of lung <paramref name="lung"/> lies in its effusion: a crescent along the posterior wall.</summary>
    public bool InEffusion(int lung, double x, double y)
    {
        if (Effusions[lung] is not { } effusion) return false;
        double rho = Lungs[lung].NormalizedRadius(x, y, out double radius, out _, out double dirY);
        double depth = (1 - rho) * radius;
        // dirY is the sine of the ray angle (1 = straight down/posterior); the crescent is thickest there and
        // thins to nothing at StartSine, so it never reaches the front half of the lung.
        double taper = (dirY - effusion.StartSine) / (1 - effusion.StartSine);
        if (taper <= 0) return false;
        return depth < effusion.ThicknessMm * Math.Pow(taper, 0.6);
    }

    /// <summary>Density of everything that is not lung (air, table, body wall, mediastinum, bones).</summary>
    public float TissueAt(double x, double y)
    {
        if (!Body.MayContain(x, y, 0)) return OutsideBody(x, y);
        double rho = Body.NormalizedRadius(x, y, out double radius, out double dirX, out _);
        if (rho >= 1) return OutsideBody(x, y);
        double depth = (1 - rho) * radius;
        if (depth < 1.5) return SkinHu;
        // Subcutaneous fat is thicker at the sides than front and back.
        if (depth < FatMm * (0.75 + 0.6 * Math.Abs(dirX))) return FatHu;

        if (Vertebra.MayContain(x, y, 0) && Vertebra.NormalizedRadius(x, y, out _, out _, out _) is var v && v < 1)
            return v > 0.8 ? CortexHu : MarrowHu;
        if (SpinalCanal.Contains(x, y)) return 15f;
        // Laminae: a bony arch behind the canal.
        if (SpinalCanal.ContainsWithMargin(x, y, 5) && y > SpinalCanal.CenterY - 2) return CortexHu - 80;
        if (SpinousProcess.Contains(x, y) || TransverseProcesses[0].Contains(x, y) || TransverseProcesses[1].Contains(x, y))
            return CortexHu - 100;
        if (Sternum.MayContain(x, y, 0) && Sternum.NormalizedRadius(x, y, out _, out _, out _) is var s && s < 1)
            return s > 0.65 ? CortexHu - 50 : MarrowHu;
        foreach (var rib in Ribs)
            if (rib.MayContain(x, y, 0) && rib.NormalizedRadius(x, y, out _, out _, out _) is var r && r < 1)
                return r > 0.6 ? CortexHu : MarrowHu;

        if (Aorta.Contains(x, y)) return BloodHu + 4;
        if (Esophagus.MayContain(x, y, 0) && Esophagus.NormalizedRadius(x, y, out _, out _, out _) is var e && e < 1)
            return e < 0.3 ? AirHu : 35f;
        if (Heart.MayContain(x, y, 0) && Heart.NormalizedRadius(x, y, out _, out _, out _) is var h && h < 1)
            return h > 0.94 ? MediastinalFatHu : BloodHu;
        if (Mediastinum.Contains(x, y)) return MediastinalFatHu;
        // A thin extrapleural fat stripe just outside the lungs: it separates an effusion from the chest wall muscle.
        if (Lungs[0].ContainsWithMargin(x, y, 1.8) || Lungs[1].ContainsWithMargin(x, y, 1.8)) return ExtrapleuralFatHu;
        return MuscleHu;
    }

    private float OutsideBody(double x, double y)
    {
        // A gently curved patient table below the body: thin dense shell.
        double top = TableTopY + 0.0012 * x * x;
        if (Math.Abs(x) < 175 && y >= top && y < top + 4) return TableHu;
        return AirHu;
    }
}

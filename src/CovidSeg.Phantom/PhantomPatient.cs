namespace CovidSeg.Phantom;

/// <summary>
/// One random synthetic patient in 3D: body habitus, organ sizes, vessel trees, lesions and effusions, all drawn
/// from a seeded <see cref="Random"/>. <see cref="AnatomyAt"/> cuts it at any axial position; everything varies
/// smoothly with z, so neighbouring slices of a volume are correlated the way real CT slices are.
/// </summary>
internal sealed class PhantomPatient
{
    /// <summary>Half the cranio-caudal extent of the lungs (mm): outlines shrink to nothing at |z| = this.</summary>
    private const double LungHalfLengthMm = 150;

    private readonly double bodyHalfWidth, bodyHalfHeight, bodyCenterY, fatMm, tableGap;
    private readonly double[] bodyHarmonics, heartHarmonics;
    private readonly double[][] lungHarmonics;
    private readonly double[] lungOffsetY, lungWidth;
    private readonly double mediastinumHalfWidth, heartX, heartSize, heartRotation, heartPhase;
    private readonly double aortaRadius, vertebraRadius, ribPhase, ribDriftPerMm;
    private readonly double[] ribSizePhase;
    private readonly float parenchymaHu;
    private readonly int textureSeed;
    private readonly EffusionSpec?[] effusions = new EffusionSpec?[2];

    private sealed record EffusionSpec(double ThicknessMm, double StartSine, float Hu, SmoothNoise Variation);

    public List<TubeSegment> Vessels { get; } = [];
    /// <summary>Ground-glass lesions first, then consolidations, so denser findings are drawn over hazy ones.</summary>
    public List<PhantomLesion> Lesions { get; } = [];

    /// <summary>
    /// Draws a patient whose lesions lie within z = <paramref name="zMin"/>..<paramref name="zMax"/> mm (equal for a
    /// single slice, which then always cuts through them).
    /// </summary>
    public PhantomPatient(Random rng, double zMin, double zMax, PhantomOptions options)
    {
        bodyHalfWidth = rng.Uniform(148, 168);
        bodyHalfHeight = rng.Uniform(106, 120);
        bodyCenterY = rng.Uniform(12, 18); // patients lie low in the field of view, on the table
        fatMm = rng.Uniform(8, 20);
        tableGap = rng.Uniform(2, 6);
        bodyHarmonics = RadialShape.RandomHarmonics(rng, 0.035);
        lungHarmonics = [RadialShape.RandomHarmonics(rng, 0.04), RadialShape.RandomHarmonics(rng, 0.04)];
        lungOffsetY = [rng.Uniform(-11, -7), rng.Uniform(-11, -7)];
        // The right lung (image left) is usually a little larger than the left one, which makes room for the heart.
        lungWidth = [rng.Uniform(0.98, 1.06), rng.Uniform(0.9, 0.98)];
        mediastinumHalfWidth = rng.Uniform(20, 28);
        heartX = rng.Uniform(14, 26);
        heartSize = rng.Uniform(0.85, 1.1);
        heartRotation = rng.Uniform(-0.75, -0.45);
        heartPhase = rng.Uniform(0, 2 * Math.PI);
        heartHarmonics = RadialShape.RandomHarmonics(rng, 0.04);
        aortaRadius = rng.Uniform(10, 13);
        vertebraRadius = rng.Uniform(16, 20);
        ribPhase = rng.Uniform(-0.12, 0.12);
        ribDriftPerMm = rng.Uniform(0.004, 0.008);
        ribSizePhase = Enumerable.Range(0, 16).Select(_ => rng.Uniform(0, 2 * Math.PI)).ToArray();
        parenchymaHu = (float)rng.Uniform(-875, -845);
        textureSeed = rng.Next();

        // Effusions: one side, sometimes both.
        if (rng.Chance(options.EffusionProbability))
        {
            int first = rng.Next(2);
            bool both = rng.Chance(0.4);
            for (int k = 0; k < 2; k++)
            {
                double thickness = rng.Uniform(10, 28), start = rng.Uniform(0.15, 0.35), hu = rng.Uniform(4, 20);
                var variation = new SmoothNoise(rng.Next());
                if (k == first || both) this.effusions[k] = new EffusionSpec(thickness, start, (float)hu, variation);
            }
        }

        GrowVessels(rng, zMin, zMax);
        // More lesions when the patient is seen over a longer stretch of z (a volume rather than a slice).
        double extent = Math.Max(1, (zMax - zMin) / 50);
        if (rng.Chance(options.GroundGlassProbability))
        {
            int count = (int)Math.Round((1 + rng.Next(4)) * extent);
            for (int i = 0; i < count; i++) TryAddGroundGlass(rng, zMin, zMax);
        }
        if (rng.Chance(options.ConsolidationProbability))
        {
            int count = (int)Math.Round((1 + rng.Next(2)) * extent);
            for (int i = 0; i < count; i++) TryAddConsolidation(rng, zMin, zMax);
        }
    }

    public SliceAnatomy AnatomyAt(double z)
    {
        // Lung cross-sections shrink towards apex and base; the rest of the chest barely changes over a few cm.
        double u = Math.Clamp(z / LungHalfLengthMm, -1, 1);
        double lungScale = Math.Pow(1 - u * u, 0.35);
        double bodyScale = 1 - 0.08 * u * u;
        double bw = bodyHalfWidth * bodyScale, bh = bodyHalfHeight * bodyScale;
        var body = new RadialShape(0, bodyCenterY, bw, bh, 0, bodyHarmonics);

        // The thoracic cavity inside the chest wall (fat as thick as SliceAnatomy draws it at the side and the
        // front/back, then ribs); the lungs fill it on either side of the mediastinum.
        double cavityX = bw - 1.35 * fatMm - 14, cavityY = bh - 0.75 * fatMm - 12;
        var lungs = new RadialShape[2];
        for (int k = 0; k < 2; k++)
        {
            double side = k == 0 ? -1 : 1;
            double a = (cavityX - mediastinumHalfWidth * 0.5) / 2 * lungWidth[k] * lungScale;
            double b = cavityY * 0.93 * lungScale;
            double cx = side * (cavityX - (cavityX - mediastinumHalfWidth * 0.5) / 2 * lungWidth[k]);
            lungs[k] = new RadialShape(cx, bodyCenterY + lungOffsetY[k], a, b, 0, lungHarmonics[k]);
        }

        double spineY = bodyCenterY + bh - fatMm - 50;
        double heartScale = heartSize * (0.9 + 0.1 * Math.Sin(z / 45 + heartPhase));
        var heart = new RadialShape(heartX, bodyCenterY - 0.3 * cavityY, 47 * heartScale, 36 * heartScale, heartRotation, heartHarmonics);
        var mediastinum = new RadialShape(0, bodyCenterY - 8, mediastinumHalfWidth, cavityY * 0.95);
        var vertebra = new RadialShape(0, spineY, vertebraRadius, vertebraRadius * 0.85);
        var canal = new RadialShape(0, spineY + vertebraRadius + 7, 8, 7.5);
        var spinous = new RadialShape(0, spineY + vertebraRadius + 27, 4.5, 12);
        var transverse = new[]
        {
            new RadialShape(-21, spineY + vertebraRadius + 5, 13, 4.5, 0.35),
            new RadialShape(21, spineY + vertebraRadius + 5, 13, 4.5, -0.35),
        };
        var aorta = new RadialShape(aortaRadius + 8, spineY - vertebraRadius - aortaRadius + 4, aortaRadius, aortaRadius);
        var esophagus = new RadialShape(-3, spineY - vertebraRadius - 7, 7, 6);
        var sternum = new RadialShape(0, bodyCenterY - bh + fatMm + 8, 13, 5.5);

        var effusions = new EffusionCut?[2];
        for (int k = 0; k < 2; k++)
            if (this.effusions[k] is { } e)
            {
                // Thicker towards the lung base (negative z), varying gently along z.
                double thickness = e.ThicknessMm * (0.8 + 0.2 * e.Variation.At(z / 40, 0.5, 0.5)) * (1 - 0.25 * u) * lungScale;
                effusions[k] = new EffusionCut(thickness, e.StartSine, e.Hu);
            }

        return new SliceAnatomy
        {
            Body = body,
            FatMm = fatMm,
            TableTopY = bodyCenterY + bh + tableGap,
            Mediastinum = mediastinum,
            Heart = heart,
            Aorta = aorta,
            Esophagus = esophagus,
            Vertebra = vertebra,
            SpinalCanal = canal,
            SpinousProcess = spinous,
            TransverseProcesses = transverse,
            Sternum = sternum,
            Ribs = Ribs(body, z),
            Lungs = lungs,
            Effusions = effusions,
            ParenchymaHu = parenchymaHu,
            Texture = new SmoothNoise(textureSeed),
        };
    }

    /// <summary>Rib cross-sections just inside the chest wall, drifting round slowly and swelling/shrinking with z.</summary>
    private RadialShape[] Ribs(RadialShape body, double z)
    {
        const int perSide = 8;
        var ribs = new RadialShape[2 * perSide];
        for (int side = 0; side < 2; side++)
            for (int i = 0; i < perSide; i++)
            {
                // Angle from the lateral direction, anterior negative (y grows posteriorly).
                double angle = -0.95 + i * 0.31 + ribPhase + ribDriftPerMm * z;
                double dirX = (side == 0 ? -1 : 1) * Math.Cos(angle), dirY = Math.Sin(angle);
                body.NormalizedRadius(body.CenterX + dirX, body.CenterY + dirY, out double radius, out _, out _);
                double inset = fatMm * (0.75 + 0.6 * Math.Abs(dirX)) + 6;
                double cx = body.CenterX + (radius - inset) * dirX, cy = body.CenterY + (radius - inset) * dirY;
                double size = 0.75 + 0.25 * Math.Cos(z / 15 + ribSizePhase[side * perSide + i]);
                double tangent = Math.Atan2(dirY, dirX) + Math.PI / 2;
                ribs[side * perSide + i] = new RadialShape(cx, cy, 8.5 * size, 4.5, tangent);
            }
        return ribs;
    }

    private void GrowVessels(Random rng, double zMin, double zMax)
    {
        // Roots spread over (and a little beyond) the z range so every slice cuts through several trees.
        int rootsPerLung = (int)Math.Round(10 * Math.Max(1, (zMax - zMin + 80) / 80));
        for (int k = 0; k < 2; k++)
        {
            double side = k == 0 ? -1 : 1;
            for (int i = 0; i < rootsPerLung; i++)
            {
                double z = rng.Uniform(zMin - 40, zMax + 40);
                double x = side * (mediastinumHalfWidth + rng.Uniform(4, 16));
                double y = bodyCenterY + rng.Uniform(-30, 25);
                double angle = rng.Uniform(-1.2, 1.2);
                TubeTree.Grow(rng, Vessels, x, y, z, side * Math.Cos(angle), Math.Sin(angle), rng.Uniform(-0.5, 0.5),
                    rng.Uniform(16, 26), rng.Uniform(2.6, 3.8), depth: 5, zJitter: 0.45);
            }
        }
        // Small peripheral vessels scattered through both lungs, pointing roughly away from the lung centre.
        int peripheral = (int)Math.Round(70 * Math.Max(1, (zMax - zMin + 30) / 30));
        for (int i = 0; i < peripheral; i++)
        {
            double z = rng.Uniform(zMin - 15, zMax + 15);
            var anatomy = AnatomyAt(z);
            int k = rng.Next(2);
            var lung = anatomy.Lungs[k];
            double angle = rng.Uniform(0, 2 * Math.PI), rho = Math.Sqrt(rng.NextDouble());
            double dirX = Math.Cos(angle), dirY = Math.Sin(angle);
            lung.NormalizedRadius(lung.CenterX + dirX, lung.CenterY + dirY, out double radius, out _, out _);
            double x = lung.CenterX + rho * radius * dirX, y = lung.CenterY + rho * radius * dirY;
            if (anatomy.LungAt(x, y) != k) continue;
            double turn = rng.Uniform(-0.6, 0.6);
            TubeTree.Grow(rng, Vessels, x, y, z, Math.Cos(angle + turn), Math.Sin(angle + turn), rng.Uniform(-0.8, 0.8),
                rng.Uniform(6, 14), rng.Uniform(0.6, 1.3), depth: 1, zJitter: 0.4);
        }
    }

    private void TryAddGroundGlass(Random rng, double zMin, double zMax)
    {
        double rz = rng.Uniform(8, 20);
        // Ground glass is mostly peripheral (sub-pleural) in COVID-19.
        bool peripheral = rng.Chance(0.75);
        if (!TryPlace(rng, zMin, zMax, rz, peripheral ? 0.6 : 0.15, peripheral ? 0.92 : 0.85, posterior: false,
                out double x, out double y, out double z))
            return;
        var parts = Blob(rng, x, y, z, rng.Uniform(9, 22), rng.Uniform(9, 22), rz, rng.Next(3));
        Lesions.Add(new PhantomLesion(1, parts, roughness: 0.25,
            roughnessScaleMm: rng.Uniform(6, 10), meanHu: rng.Uniform(-610, -440), textureHu: 45, airBronchi: [],
            noiseSeed: rng.Next()));
    }

    private void TryAddConsolidation(Random rng, double zMin, double zMax)
    {
        double rz = rng.Uniform(6, 15);
        // Consolidation is often dependent (posterior) and reaches the pleura; irregular, patchy rather than round.
        bool posterior = rng.Chance(0.6);
        if (!TryPlace(rng, zMin, zMax, rz, posterior ? 0.5 : 0.3, posterior ? 0.95 : 0.88, posterior, out double x, out double y, out double z))
            return;
        double rx = rng.Uniform(6, 18), ry = rng.Uniform(6, 18);
        var parts = Blob(rng, x, y, z, rx, ry, rz, 1 + rng.Next(3));
        var bronchi = new List<TubeSegment>();
        if (rng.Chance(0.6))
        {
            // Air bronchograms: a small, mostly in-plane branching airway crossing the consolidation.
            double angle = rng.Uniform(0, 2 * Math.PI);
            double length = 0.45 * Math.Max(rx, ry);
            TubeTree.Grow(rng, bronchi, x - Math.Cos(angle) * length, y - Math.Sin(angle) * length, z,
                Math.Cos(angle), Math.Sin(angle), 0, length, rng.Uniform(0.9, 1.3), depth: 2, zJitter: 0.08);
        }
        Lesions.Add(new PhantomLesion(2, parts, roughness: 0.18, roughnessScaleMm: 8, meanHu: rng.Uniform(-45, 35),
            textureHu: 15, airBronchi: bronchi, noiseSeed: rng.Next()));
    }

    /// <summary>A main ellipsoid plus a few smaller satellites, for an irregular patch.</summary>
    private static List<LesionEllipsoid> Blob(Random rng, double x, double y, double z, double rx, double ry, double rz, int satellites)
    {
        var parts = new List<LesionEllipsoid> { new(x, y, z, rx, ry, rz, rng.Uniform(0, Math.PI)) };
        for (int i = 0; i < satellites; i++)
        {
            double angle = rng.Uniform(0, 2 * Math.PI), scale = rng.Uniform(0.5, 0.85);
            parts.Add(new LesionEllipsoid(x + 0.7 * rx * Math.Cos(angle), y + 0.7 * ry * Math.Sin(angle), z + rng.Uniform(-0.4, 0.4) * rz,
                rx * scale, ry * scale, rz * scale, rng.Uniform(0, Math.PI)));
        }
        return parts;
    }

    /// <summary>
    /// Picks a lesion centre inside a lung (normalised radius in [rhoMin, rhoMax]) and outside any effusion, at a z
    /// within the range; for a single slice the centre is nudged off the slice by up to half the lesion's z radius.
    /// </summary>
    private bool TryPlace(Random rng, double zMin, double zMax, double radiusZ, double rhoMin, double rhoMax, bool posterior,
        out double x, out double y, out double z)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            double zCheck = rng.Uniform(zMin, zMax);
            var anatomy = AnatomyAt(zCheck);
            int k = rng.Next(2);
            var lung = anatomy.Lungs[k];
            double angle = posterior ? rng.Uniform(0.2 * Math.PI, 0.8 * Math.PI) : rng.Uniform(0, 2 * Math.PI);
            double dirX = Math.Cos(angle), dirY = Math.Sin(angle);
            lung.NormalizedRadius(lung.CenterX + dirX, lung.CenterY + dirY, out double radius, out _, out _);
            double rho = rng.Uniform(rhoMin, rhoMax);
            x = lung.CenterX + rho * radius * dirX;
            y = lung.CenterY + rho * radius * dirY;
            z = zMin == zMax ? zCheck + rng.Uniform(-0.5, 0.5) * radiusZ : zCheck;
            if (anatomy.LungAt(x, y) == k && !anatomy.InEffusion(k, x, y)) return true;
        }
        x = y = z = 0;
        return false;
    }
}

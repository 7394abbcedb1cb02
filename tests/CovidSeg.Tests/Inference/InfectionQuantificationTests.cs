using CovidSeg.Data;
using CovidSeg.Inference;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Inference;

public class InfectionQuantificationTests
{
    [Fact]
    public void SliceAreasAndLungPercentagesAreExact()
    {
        // 10 x 10 slice, 0.5 mm pixels (0.25 mm²): lung = left 5 columns (50 px); GGO 12 px (10 in lung),
        // consolidation 4 px (all in lung), effusion none.
        var labels = new byte[100];
        var lung = new byte[100];
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 5; x++) lung[y * 10 + x] = 1;
        for (int i = 0; i < 10; i++) labels[i * 10] = 1;      // column 0: in lung
        labels[5] = labels[6] = 1;                             // two outside the lung
        for (int i = 0; i < 4; i++) labels[90 + 1 + i] = 2;   // bottom row, columns 1..4: in lung
        var q = InfectionQuantification.Compute("hand", labels, lung, 10, 10, 1, [0.5, 0.5], LabelSet.MedSeg, "given");
        Assert.Equal("slice", q.Kind);
        Assert.Equal([12L, 4L, 0L], q.Classes.Select(c => c.Pixels));
        Assert.Equal([3.0, 1.0, 0.0], q.Classes.Select(c => c.AreaMm2!.Value));
        Assert.All(q.Classes, c => Assert.Null(c.VolumeMl));
        Assert.Equal(50, q.LungPixels);
        Assert.Equal(12.5, q.LungAreaMm2);
        Assert.Equal([20.0, 8.0, 0.0], q.Classes.Select(c => c.PercentOfLung!.Value));
        Assert.Equal(28.0, q.PercentOpacity);
        Assert.Contains("| ground-glass opacity | 12 | 3 | 20 |", q.ToMarkdown());
    }

    [Fact]
    public void VolumeSizesAreInMillilitres()
    {
        // 4 x 4 x 5 voxels of 2 x 2 x 2.5 mm (10 mm³); 30 consolidation voxels = 0.3 mL; lung = everything (80 voxels).
        var labels = new byte[80];
        for (int i = 0; i < 30; i++) labels[i] = 2;
        var lung = Enumerable.Repeat((byte)1, 80).ToArray();
        var q = InfectionQuantification.Compute("vol", labels, lung, 4, 4, 5, [2, 2, 2.5], LabelSet.MedSeg, "given");
        Assert.Equal("volume", q.Kind);
        Assert.Equal(0.3, q.Classes[1].VolumeMl!.Value, 12);
        Assert.Null(q.Classes[1].AreaMm2);
        Assert.Equal(0.8, q.LungVolumeMl!.Value, 12);
        Assert.Equal(37.5, q.PercentOpacity);
    }

    [Fact]
    public void UnknownVoxelSizeAndMissingLungAreSaidNotGuessed()
    {
        var labels = new byte[] { 0, 1, 1, 2 };
        var q = InfectionQuantification.Compute("png", labels, null, 2, 2, 1, null, LabelSet.SemiSeg, "none");
        Assert.Equal([2L, 1L], q.Classes.Select(c => c.Pixels));
        Assert.All(q.Classes, c => Assert.Null(c.AreaMm2));
        Assert.All(q.Classes, c => Assert.Null(c.PercentOfLung));
        Assert.Null(q.PercentOpacity);
        Assert.Contains(q.Notes, n => n.Contains("voxel size unknown"));
        Assert.Contains(q.Notes, n => n.Contains("no lung mask"));
        Assert.Contains("\"area_mm2\": null", q.ToJson());
    }

    [Fact]
    public void TimeTakenIsGivenStepByStepOrSaidToBeUnmeasured()
    {
        var q = InfectionQuantification.Compute("png", [0, 1], null, 2, 1, 1, null, LabelSet.SemiSeg, "none");
        Assert.Null(q.Seconds);
        Assert.Contains("Time taken: not measured.", q.ToMarkdown());
        var timed = q with { Timings = new PredictionTimings(0.5, 2, 0.25, 0.125, 0.07, 2.945) };
        Assert.Equal(2.945, timed.Seconds);
        Assert.Equal(0.945, timed.Timings!.NonNetworkSeconds, 12);
        Assert.Contains("Time taken: 2.945 s: reading 0.5, network 2, lung mask 0.25, overlays 0.125, quantification and label file 0.07.", timed.ToMarkdown());
        Assert.Contains("\"lung_mask_seconds\": 0.25", timed.ToJson());
        Assert.Contains("\"total_seconds\": 2.945", timed.ToJson());
    }
}

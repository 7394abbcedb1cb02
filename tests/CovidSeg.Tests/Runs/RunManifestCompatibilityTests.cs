using CovidSeg.Models;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Runs;

/// <summary>A run.json written before issue 15 (format 1, "attention-unet", flat ResNeXt settings) still loads.</summary>
public class RunManifestCompatibilityTests
{
    [Fact]
    public void ARunWrittenBeforeTheRedesignLoadsAsTheSameNetwork()
    {
        var run = RunManifest.Load(WrittenBefore.File("run.json"));
        Assert.Equal(RunManifest.CurrentFormat, run.Format);
        Assert.Equal("lsh-attention-unet", run.Model.Arch);
        Assert.Equal(new ResNeXtOptions(Cardinality: 8, BottleneckRatio: 0.5, BlocksPerLevel: 2), run.Model.ResNeXt);
        Assert.Equal(new[] { 0 }, run.Model.AttentionLevels);
        Assert.Equal((8, 2, 4), (run.Model.BaseWidth, run.Model.Depth, run.Model.Classes));
        Assert.Equal(new[] { 1.0, 2, 2, 2 }, run.Training.ClassWeights);
        Assert.Equal(5, run.Data.TrainIds.Count);
        Assert.Equal(1, Assert.Single(run.History).Epoch);
        Assert.Equal("checkpoints/epoch-0001", run.BestCheckpoint);
        using var net = ModelFactory.Create(run.Model, seed: 1);
        Assert.Equal("lsh-attention-unet", net.GetName());
    }

    [Fact]
    public void TheFlatResNeXtSettingsOfFormatOneAreCarriedOver()
    {
        using var folder = new TempFolder();
        string path = folder.File("run.json");
        File.WriteAllText(path, File.ReadAllText(WrittenBefore.File("run.json"))
            .Replace("\"cardinality\": 8", "\"cardinality\": 2")
            .Replace("\"res_ne_xt_blocks_per_level\": 2", "\"res_ne_xt_blocks_per_level\": 1"));
        var run = RunManifest.Load(path);
        Assert.Equal(new ResNeXtOptions(Cardinality: 2, BottleneckRatio: 0.5, BlocksPerLevel: 1), run.Model.ResNeXt);
    }

    [Fact]
    public void AnUpgradedRunIsSavedInTheCurrentFormatAndReadsBackTheSame()
    {
        using var folder = new TempFolder();
        var run = RunManifest.Load(WrittenBefore.File("run.json"));
        run.Save(folder.Path);
        string json = File.ReadAllText(folder.File("run.json"));
        Assert.Contains($"\"format\": \"{RunManifest.CurrentFormat}\"", json);
        Assert.Contains("\"resnext\": {", json);
        Assert.DoesNotContain("res_ne_xt", json);
        var back = RunManifest.Load(folder.Path);
        Assert.Equal(run.Model, back.Model);
        Assert.Equal(run.Data.TrainIds, back.Data.TrainIds);
    }
}

using CovidSeg.Benchmarks;

namespace CovidSeg.Tests.Benchmarks;

/// <summary>The benchmark at toy sizes: every section produces its rows with consistent arithmetic, and the Markdown
/// keeps hand-written notes around the generated part.</summary>
public class BenchmarkSuiteTests
{
    private static readonly Lazy<BenchmarkReport> QuickReport = new(() =>
    {
        using var work = new TempFolder();
        return BenchmarkSuite.Run(BenchmarkOptions.Quick with
        {
            Archs = ["unet", "res-attention-unet"],
            VolumeShape = (48, 48, 3),
            WorkFolder = Path.Combine(work.Path, "bench"),
        }, "covidseg bench --quick");
    });

    [Fact]
    public void EverySectionHasItsRows()
    {
        var r = QuickReport.Value;
        Assert.Equal(["fp32", "bf16"], r.Ceilings.Select(c => c.Precision));
        Assert.Equal(2, r.Training.Count);
        Assert.Equal(2 * 2 * 2, r.Inference.Count); // networks x precisions x batch sizes
        Assert.NotNull(r.Volume);
        Assert.Equal(4, r.Attention.Count); // 2 sides x LSH and full
        Assert.All(r.Attention, a => Assert.NotNull(a.Seconds));
    }

    [Fact]
    public void RatesFollowFromTheTimesAndTheCountedFlops()
    {
        var r = QuickReport.Value;
        foreach (var c in r.Ceilings)
            Assert.Equal(2.0 * c.Size * c.Size * c.Size / c.Seconds.Median / 1e9, c.Gflops, 9);
        foreach (var t in r.Training)
        {
            Assert.Equal(3 * t.ForwardFlopsPerImage * t.Batch / t.Seconds.Median / 1e9, t.Gflops, 9);
            Assert.Equal(t.Batch / t.Seconds.Median, t.ImagesPerSecond, 9);
        }
        foreach (var i in r.Inference.Where(i => i.Seconds is not null))
            Assert.Equal(i.Seconds!.Median / i.Batch * 1000, i.MillisecondsPerSlice!.Value, 9);
        var v = r.Volume!;
        Assert.True(v.NetworkSeconds > 0 && v.TotalSeconds.Median > v.NetworkSeconds + v.PrepareSeconds + v.RestoreSeconds);
        Assert.Equal((v.TotalSeconds.Median - v.NetworkSeconds) / v.NetworkSeconds, v.Overhead, 12);
    }

    [Fact]
    public void BfloatRowsAreSkippedWithAReasonOnlyWhenBfloatIsSlow()
    {
        var r = QuickReport.Value;
        bool slow = r.CeilingGflops("bf16") < BenchmarkSuite.ReducedPrecisionMinSpeedRatio * r.CeilingGflops("fp32");
        foreach (var row in r.Inference.Where(i => i.Precision == "bf16"))
            Assert.Equal(slow, row.Seconds is null && row.NotRunReason is not null);
        Assert.All(r.Inference.Where(i => i.Precision == "fp32"), i => Assert.NotNull(i.Seconds));
    }

    [Fact]
    public void MarkdownReplacesOnlyTheGeneratedSection()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "benchmarks.md");
        File.WriteAllText(path, $"# Notes\n\nkept above\n\n{BenchmarkMarkdown.BeginMarker}\nold numbers\n{BenchmarkMarkdown.EndMarker}\n\nkept below\n");
        BenchmarkMarkdown.Write(path, QuickReport.Value);
        string text = File.ReadAllText(path);
        Assert.StartsWith("# Notes\n\nkept above\n\n" + BenchmarkMarkdown.BeginMarker, text);
        Assert.EndsWith(BenchmarkMarkdown.EndMarker + "\n\nkept below\n", text);
        Assert.DoesNotContain("old numbers", text);
        Assert.Contains("covidseg bench --quick", text);
        foreach (var table in BenchmarkTables.Build(QuickReport.Value)) Assert.Contains("### " + table.Title, text);
    }

    [Fact]
    public void TargetsNameEveryGoalOfTheIssue()
    {
        var targets = BenchmarkTables.Targets(QuickReport.Value);
        var names = targets.Rows.Select(r => r[0]).ToList();
        Assert.Contains(names, n => n.StartsWith("U-Net training"));
        Assert.Contains(names, n => n.StartsWith("full model training"));
        Assert.Contains(names, n => n.StartsWith("inference fp32"));
        Assert.Contains(names, n => n.StartsWith("bf16 inference"));
        Assert.Contains(names, n => n.StartsWith("volume: everything but"));
        Assert.Contains(names, n => n.StartsWith("LSH peak memory"));
        Assert.All(targets.Rows, r => Assert.DoesNotContain("not measured", r[1]));
    }
}

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
        // fp32 at the one quick size, then bf16 (run or skipped with its reason) for both networks.
        Assert.Equal(["fp32", "fp32", "bf16", "bf16"], r.Training.Select(t => t.Precision));
        Assert.Equal(["unet", "res-attention-unet", "unet", "res-attention-unet"], r.Training.Select(t => t.Arch));
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
        foreach (var t in r.Training.Where(t => t.Seconds is not null))
        {
            Assert.Equal(3 * t.ForwardFlopsPerImage * t.Batch / t.Seconds!.Median / 1e9, t.Gflops!.Value, 9);
            Assert.Equal(t.Batch / t.Seconds.Median, t.ImagesPerSecond!.Value, 9);
        }
        foreach (var i in r.Inference.Where(i => i.Seconds is not null))
            Assert.Equal(i.Seconds!.Median / i.Batch * 1000, i.MillisecondsPerSlice!.Value, 9);
        var v = r.Volume!;
        Assert.True(v.NetworkSeconds > 0 && v.TotalSeconds.Median > v.NetworkSeconds + v.PrepareSeconds + v.RestoreSeconds);
        Assert.Equal((v.TotalSeconds.Median - v.NetworkSeconds) / v.NetworkSeconds, v.Overhead, 12);
    }

    [Fact]
    public void TheCeilingIsTheBestSizeTriedAndEachRunRepeatsTheProduct()
    {
        var r = QuickReport.Value;
        foreach (var c in r.Ceilings)
        {
            Assert.NotEmpty(c.Tried);
            Assert.Equal(c.Tried.Max(t => t.Gflops), c.Gflops);
            Assert.All(c.Tried, t => Assert.InRange(t.Size, 1, r.Options.CeilingMaxSize));
            // Per-product times come from runs of ProductsPerRun products: the run a product sits in is that many times longer.
            Assert.All(c.Tried, t => Assert.True(t.ProductsPerRun >= 1));
        }
        var table = BenchmarkTables.Ceiling(r);
        Assert.Equal(r.Ceilings.Sum(c => c.Tried.Count), table.Rows.Count);
        Assert.Equal(r.Ceilings.Count, table.Rows.Count(row => row[7] == "ceiling"));
        // A rate above the theoretical peak is marked, and the note says why.
        foreach (var row in table.Rows.Where(row => row[8].EndsWith(" *")))
            Assert.Contains("* Above the theoretical peak", table.Note);
    }

    [Fact]
    public void TheTheoreticalPeakIsThreadsTimesClockTimesLanesTimesTwoFmas()
    {
        var peak = TheoreticalPeak.Read(threads: 2, bf16Instructions: true);
        if (peak is null) return; // clock or vector width unreadable here: nothing to compute
        Assert.Equal(2 * peak.Gigahertz * (peak.DatapathBits / 32) * 2 * TheoreticalPeak.FmaUnits, peak.Fp32Gflops, 9);
        Assert.Equal(2, peak.Threads);
        if (peak.Bf16Gflops is double bf16) Assert.Equal(2 * peak.Fp32Gflops, bf16, 9);
        Assert.Null(TheoreticalPeak.Read(threads: 2, bf16Instructions: false)?.Bf16Gflops);
    }

    [Fact]
    public void ARowAboveTheCeilingIsMarkedAndExplained()
    {
        Assert.Equal("186.0% *", BenchmarkTables.OfCeiling(1.86));
        Assert.Equal("99.0%", BenchmarkTables.OfCeiling(0.99));
        Assert.Equal("", BenchmarkTables.AboveCeilingNote([0.5, null, 1.0]));
        Assert.StartsWith(" * Above the matrix-product ceiling: FLOPs are counted as a direct convolution", BenchmarkTables.AboveCeilingNote([0.5, 1.02]));
        // Every table cell above 100% of a ceiling carries the mark, and its table the note.
        foreach (var table in BenchmarkTables.Build(QuickReport.Value))
            for (int column = 0; column < table.Headers.Count; column++)
            {
                if (!table.Headers[column].Contains("ceiling")) continue;
                foreach (var row in table.Rows.Where(row => row.Count > column))
                {
                    bool above = double.TryParse(row[column].TrimEnd('%', ' ', '*'), System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 100;
                    Assert.Equal(above, row[column].EndsWith(" *"));
                    if (above) Assert.Contains("* Above the matrix-product ceiling", table.Note);
                }
            }
    }

    [Fact]
    public void BfloatRowsAreSkippedWithAReasonOnlyWhenBfloatIsSlow()
    {
        var r = QuickReport.Value;
        bool slow = r.CeilingGflops("bf16") < BenchmarkSuite.ReducedPrecisionMinSpeedRatio * r.CeilingGflops("fp32");
        foreach (var row in r.Inference.Where(i => i.Precision == "bf16"))
            Assert.Equal(slow, row.Seconds is null && row.NotRunReason is not null);
        foreach (var row in r.Training.Where(t => t.Precision == "bf16"))
            Assert.Equal(slow, row.Seconds is null && row.NotRunReason is not null);
        Assert.All(r.Inference.Where(i => i.Precision == "fp32"), i => Assert.NotNull(i.Seconds));
        Assert.All(r.Training.Where(t => t.Precision == "fp32"), t => Assert.NotNull(t.Seconds));
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
    public void AFileWithoutItsEndMarkerIsLeftAsItIsAndTheReportGoesBesideIt()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "benchmarks.md");
        // The end marker lost in a hand edit: rewriting the file would drop the notes after the numbers.
        string notes = $"# Notes\n\n{BenchmarkMarkdown.BeginMarker}\nold numbers\n\n## What limits each target\n\nhand-written analysis\n";
        File.WriteAllText(path, notes);
        string written = BenchmarkMarkdown.Write(path, QuickReport.Value);
        Assert.Equal(Path.Combine(folder.Path, "benchmarks.generated.md"), written);
        Assert.Equal(notes, File.ReadAllText(path));
        Assert.Contains(BenchmarkMarkdown.EndMarker, File.ReadAllText(written));
    }

    [Fact]
    public void TargetsNameEveryGoalOfTheIssue()
    {
        var targets = BenchmarkTables.Targets(QuickReport.Value);
        var names = targets.Rows.Select(r => r[0]).ToList();
        Assert.Contains(names, n => n.StartsWith("U-Net training"));
        Assert.Contains(names, n => n.StartsWith("full model training"));
        Assert.Contains(names, n => n.StartsWith("full model training step ≤ 1.25x U-Net's, fp32"));
        Assert.Contains(names, n => n.StartsWith("the same, both in bf16"));
        Assert.Contains(names, n => n.StartsWith("inference fp32"));
        Assert.Contains(names, n => n.StartsWith("bf16 inference"));
        Assert.Contains(names, n => n.StartsWith("volume: everything but"));
        Assert.Contains(names, n => n.StartsWith("LSH peak memory"));
        Assert.All(targets.Rows, r => Assert.DoesNotContain("not measured", r[1]));
        // The ratio row is the two medians' quotient, with the verdict at 1.25x.
        var fp32 = QuickReport.Value.Training.Where(t => t.Precision == "fp32").ToList();
        double ratio = fp32[1].Seconds!.Median / fp32[0].Seconds!.Median;
        var row = targets.Rows.Single(r => r[0].StartsWith("full model training step ≤ 1.25x"));
        Assert.EndsWith($"= {BenchmarkTables.F(ratio, 2)}x", row[1]);
        Assert.Equal(ratio <= 1.25 ? "met" : "missed", row[2]);
    }
}

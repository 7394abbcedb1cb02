using System.Globalization;
using CovidSeg.Models;

namespace CovidSeg.Benchmarks;

/// <summary>A titled table of formatted cells, shared by the console output and docs/benchmarks.md.</summary>
public sealed record BenchmarkTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);

/// <summary>Turns a <see cref="BenchmarkReport"/> into tables: one per section, then the targets of issue 6 with a verdict.</summary>
public static class BenchmarkTables
{
    public static IReadOnlyList<BenchmarkTable> Build(BenchmarkReport report)
    {
        var tables = new List<BenchmarkTable>();
        double? fp32 = report.CeilingGflops("fp32");
        if (report.Ceilings.Count > 0)
            tables.Add(Ceiling(report));

        if (report.Training.Count > 0)
            tables.Add(new BenchmarkTable($"Training step (forward, cross-entropy, backward, Adam), batch {report.Options.TrainingBatch}",
                ["network", "size", "precision", "median s/step", "spread", "images/s", "GFLOP/s", "of its ceiling"],
                report.Training.Select(r => r.Seconds is { } s
                    ? Row(r.Arch, $"{r.Size}²", r.Precision, F(s.Median, 3), Spread(s), F(r.ImagesPerSecond, 2),
                        F(r.Gflops, 1), OfCeiling(r.Gflops / report.CeilingGflops(r.Precision)))
                    : Row(r.Arch, $"{r.Size}²", r.Precision, "not run", "", "", "", r.NotRunReason ?? "")).ToList(),
                "FLOPs per step = 3 x forward FLOPs (covidseg summary) x batch. bf16: the trainer's mixed-precision step "
                + "(`--precision bf16`: passes on a bf16 copy, fp32 master weights and Adam, norm layers in fp32)."
                + AboveCeilingNote(report.Training.Select(r => r.Gflops / report.CeilingGflops(r.Precision)))));

        if (report.Inference.Count > 0)
            tables.Add(new BenchmarkTable($"Inference, {report.Options.InferenceSize} x {report.Options.InferenceSize} slices (eval, no_grad)",
                ["network", "precision", "batch", "ms/slice", "spread", "GFLOP/s", "of its ceiling"],
                report.Inference.Select(r => r.Seconds is { } s
                    ? Row(r.Arch, r.Precision, r.Batch.ToString(Inv), F(r.MillisecondsPerSlice, 0), Spread(s), F(r.Gflops, 1),
                        OfCeiling(r.Gflops / report.CeilingGflops(r.Precision)))
                    : Row(r.Arch, r.Precision, r.Batch.ToString(Inv), "not run", "", "", r.NotRunReason ?? "")).ToList(),
                AboveCeilingNote(report.Inference.Select(r => r.Gflops / report.CeilingGflops(r.Precision))).TrimStart()));

        if (report.Volume is { } v)
            tables.Add(new BenchmarkTable($"End to end: covidseg predict on a {v.Nx} x {v.Ny} x {v.Nz} NIfTI volume",
                ["network", "side", "batch", "total s (median)", "spread", "network s", "prepare s", "restore s", "everything else s", "overhead vs network"],
                [Row(v.Arch, v.NetworkSide.ToString(Inv), v.Batch.ToString(Inv), F(v.TotalSeconds.Median, 2), Spread(v.TotalSeconds), F(v.NetworkSeconds, 2),
                    F(v.PrepareSeconds, 2), F(v.RestoreSeconds, 2), F(v.TotalSeconds.Median - v.NetworkSeconds - v.PrepareSeconds - v.RestoreSeconds, 2),
                    Percent(v.Overhead))],
                $"Untrained weights (the cost does not depend on them). Prepare = window, resize to the network side, stack; restore = resize scores to {v.Nx} x {v.Ny} and take labels; everything else = NIfTI read, lung mask, overlays, quantification, writing."));

        if (report.Attention.Count > 0)
            tables.Add(new BenchmarkTable($"Attention block, forward + backward, {report.Options.AttentionChannels} channels, batch 1",
                ["attention", "positions", "median s", "spread", "peak memory MiB", "largest matrix MiB (analytic)"],
                report.Attention.Select(r => r.Seconds is { } s
                    ? Row(r.Kind, $"{r.Side}² = {r.Positions:N0}", F(s.Median, 3), Spread(s), r.PeakBytes is long p ? F(p / 1048576.0, 0) : "n/a", F(r.AnalyticLargestBytes / 1048576.0, 0))
                    : Row(r.Kind, $"{r.Side}² = {r.Positions:N0}", "not run", "", r.NotRunReason ?? "", F(r.AnalyticLargestBytes / 1048576.0, 0))).ToList(),
                "Peak memory = growth of the process's peak resident set during the pass (median over runs)."));

        foreach (var p in report.Profiles)
        {
            var rows = p.Kinds.Select(k => Row(k.Kind, k.Layers.ToString(Inv), F(k.Seconds, 3), Percent(k.Seconds / p.WholeSeconds),
                k.Flops > 0 ? F(k.Gflops, 1) : "", k.Flops > 0 ? OfCeiling(k.Gflops / fp32) : "")).ToList();
            rows.Add(Row("not in any layer (ReLU, pooling, concatenation, padding" + (p.Training ? ", loss, Adam, autograd)" : ")"), "",
                F(p.UnaccountedSeconds, 3), Percent(p.UnaccountedSeconds / p.WholeSeconds), "", ""));
            rows.Add(Row("whole " + (p.Training ? "step" : "forward pass"), "", F(p.WholeSeconds, 3), "100%", "", ""));
            tables.Add(new BenchmarkTable($"Where the time goes: {p.Arch}, {(p.Training ? "training step" : "inference")}, {p.Size}², batch {p.Batch}",
                ["layer kind", "layers", "seconds", "share", "GFLOP/s", "of fp32 ceiling"], rows,
                "Each layer timed alone on an input of the shape it sees in the network" + (p.Training ? " (forward + backward)" : "") +
                "; layer times ignore cache effects between layers, so the split is an estimate." +
                AboveCeilingNote(p.Kinds.Where(k => k.Flops > 0).Select(k => k.Gflops / fp32))));
        }

        tables.Add(Targets(report));
        return tables;
    }

    /// <summary>
    /// Every matrix size tried in each precision (the best one is the ceiling) and the theoretical peak, so a reader
    /// sees how stable the ceiling is and how far below the hardware's limit libtorch's products run.
    /// </summary>
    public static BenchmarkTable Ceiling(BenchmarkReport report)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var c in report.Ceilings)
            foreach (var t in c.Tried)
                rows.Add(Row(c.Precision, t.Size.ToString(Inv), t.ProductsPerRun.ToString(Inv), F(t.Seconds.Median * t.ProductsPerRun, 3),
                    F(t.Seconds.Median, 5), Spread(t.Seconds), F(t.Gflops, 1), t.Size == c.Size ? "ceiling" : "",
                    OfCeiling(t.Gflops / report.Peak?.Gflops(c.Precision))));
        string peak = report.Peak is { } p
            ? $" Theoretical peak: fp32 {F(p.Fp32Gflops, 0)} GFLOP/s{(p.Bf16Gflops is double b ? $", bf16 {F(b, 0)} GFLOP/s" : "")} = {p.Describe()}."
            : " Theoretical peak: not computed (clock or vector width unreadable).";
        if (report.Peak is { } q && report.Ceilings.Any(c => c.Tried.Any(t => t.Gflops > q.Gflops(c.Precision))))
            peak += $" * Above the theoretical peak: the clock read ({q.ClockSource}) is below what the cores ran at (in a VM it is " +
                    "often the base clock, and boost runs faster), or the cores have more FMA units than assumed.";
        return new BenchmarkTable("Ceiling: libtorch matrix product",
            ["precision", "n", "products per run", "s per run", "median s/product", "spread", "GFLOP/s", "", "of theoretical peak"], rows,
            $"n x n times n x n, 2n³ FLOPs, {report.Machine.Threads} threads; each run repeats the product for at least {MatmulCeilingBenchmark.MinSecondsPerRun} s; " +
            "the best size's rate is the ceiling the other tables divide by." + peak);
    }

    /// <summary>A share of the measured ceiling, marked when above it (see <see cref="AboveCeilingNote"/>).</summary>
    public static string OfCeiling(double? fraction) => fraction is > 1.0 ? Percent(fraction) + " *" : Percent(fraction);

    /// <summary>Why a row can beat the matrix-product ceiling; empty when none of <paramref name="fractions"/> does.</summary>
    public static string AboveCeilingNote(IEnumerable<double?> fractions) => fractions.Any(f => f is > 1.0)
        ? " * Above the matrix-product ceiling: FLOPs are counted as a direct convolution would do them (k² multiply-adds per output), " +
          "while oneDNN's convolution kernels may do fewer (Winograd) or keep their blocks in cache better than a large product; " +
          "and the ceiling was measured at another moment on a shared machine. Not measured separately."
        : "";

    /// <summary>Issue 6's targets against this run's numbers; "not measured" where a section did not run.</summary>
    public static BenchmarkTable Targets(BenchmarkReport report)
    {
        var rows = new List<IReadOnlyList<string>>();
        double? fp32 = report.CeilingGflops("fp32");
        double? bf16 = report.CeilingGflops("bf16");
        var fp32Training = report.Training.Where(r => r.Precision == "fp32" && r.Seconds is not null).ToList();
        var unetTraining = fp32Training.FirstOrDefault(r => r.Arch == Architectures.UNetName && r.Size == 256) ?? fp32Training.FirstOrDefault(r => r.Arch == Architectures.UNetName);
        var fullTraining = fp32Training.FirstOrDefault(r => r.Arch == Architectures.ResidualAttentionUNetName && r.Size == 256) ?? fp32Training.FirstOrDefault(r => r.Arch == Architectures.ResidualAttentionUNetName);
        rows.Add(Target("U-Net training at 256²: ≥ 70% of fp32 ceiling", unetTraining?.Gflops / fp32, 0.70, ofCeiling: true));
        rows.Add(Target("full model training at 256²: ≥ 50% of fp32 ceiling", fullTraining?.Gflops / fp32, 0.50, ofCeiling: true));
        rows.Add(StepRatio("full model training step ≤ 1.25x U-Net's, fp32 (issue 16)", fullTraining, unetTraining));
        var bf16Training = report.Training.Where(r => r.Precision == "bf16").ToList();
        var unetBf16 = bf16Training.FirstOrDefault(r => r.Arch == Architectures.UNetName);
        var fullBf16 = bf16Training.FirstOrDefault(r => r.Arch == Architectures.ResidualAttentionUNetName);
        rows.Add(StepRatio("the same, both in bf16 (mixed precision)", fullBf16, unetBf16));
        rows.Add(StepRatio("full model in bf16 against U-Net in fp32", fullBf16, unetTraining));
        var bestInference = report.Inference.Where(r => r.Gflops is not null && r.Precision == "fp32").MaxBy(r => r.Gflops);
        var worstInference = report.Inference.Where(r => r.Gflops is not null && r.Precision == "fp32").MinBy(r => r.Gflops);
        rows.Add(Row("inference fp32: ≥ 60% of ceiling",
            bestInference is null ? "not measured" : $"{Percent(worstInference!.Gflops / fp32)} to {Percent(bestInference.Gflops / fp32)}",
            bestInference is null ? "" : Verdict(worstInference!.Gflops / fp32 >= 0.60)));
        string bf16Measured = bf16 is null || fp32 is null ? "not measured" : $"bf16 products {F(bf16, 1)} GFLOP/s = {F(bf16 / fp32, 3)} x fp32";
        rows.Add(Row("bf16 inference ≥ 1.6x faster than fp32 (then default)", bf16Measured,
            bf16 is null || fp32 is null ? "" : Verdict(bf16 / fp32 >= 1.6) + (bf16 / fp32 < 1 ? ": fp32 stays the default" : "")));
        if (report.Volume is { } v)
        {
            rows.Add(Target("volume: everything but the network ≤ 20% of the network's time", v.Overhead, 0.20, atMost: true));
            rows.Add(Row($"volume {v.Nx}x{v.Ny}x{v.Nz}: well under 30 s", $"{F(v.TotalSeconds.Median, 1)} s", Verdict(v.TotalSeconds.Median < 30)));
        }
        else
        {
            rows.Add(Row("volume: overhead ≤ 20%, well under 30 s", "not measured", ""));
        }
        var sides = report.Options.AttentionSides;
        if (sides.Count >= 2)
        {
            int to = sides[^1], from = sides.Contains(to / 2) ? to / 2 : sides[0];
            double? lsh = report.AttentionMemoryRatio("LSH", from, to);
            rows.Add(Row($"LSH peak memory {from}² → {to}²: ratio < 5 (full attention: 16)", lsh is double r ? F(r, 2) : "not measured",
                lsh is double r2 ? Verdict(r2 < 5) : ""));
            double? full = report.AttentionMemoryRatio("full", sides[0], sides[0] * 2);
            if (full is double fr)
                rows.Add(Row($"full attention peak memory {sides[0]}² → {sides[0] * 2}² (for contrast)", F(fr, 2), "quadratic growth"));
        }
        return new BenchmarkTable("Targets (issues 6 and 16)", ["target", "measured", "verdict"], rows,
            AboveCeilingNote([unetTraining?.Gflops / fp32, fullTraining?.Gflops / fp32]).TrimStart() is { Length: > 0 } note ? note : null);
    }

    /// <summary>The full model's step time over U-Net's, against issue 16's 1.25x; a row not run says why.</summary>
    private static IReadOnlyList<string> StepRatio(string name, TrainingStepRow? full, TrainingStepRow? unet)
    {
        if (full is null || unet is null) return Row(name, "not measured", "");
        if (full.Seconds is null || unet.Seconds is null) return Row(name, "not run: " + (full.NotRunReason ?? unet.NotRunReason ?? "no time"), "");
        double ratio = full.Seconds.Median / unet.Seconds.Median;
        return Row(name, $"{F(full.Seconds.Median, 3)} / {F(unet.Seconds.Median, 3)} s = {F(ratio, 2)}x", Verdict(ratio <= 1.25));
    }

    private static IReadOnlyList<string> Target(string name, double? value, double goal, bool atMost = false, bool ofCeiling = false) =>
        value is double v ? Row(name, ofCeiling ? OfCeiling(v) : Percent(v), Verdict(atMost ? v <= goal : v >= goal)) : Row(name, "not measured", "");

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static IReadOnlyList<string> Row(params string[] cells) => cells;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string F(double? value, int decimals) =>
        value is double v && double.IsFinite(v) ? v.ToString("F" + decimals.ToString(Inv), Inv) : "n/a";

    public static string Percent(double? fraction) =>
        fraction is double f && double.IsFinite(f) ? (100 * f).ToString("0.0", Inv) + "%" : "n/a";

    /// <summary>The runs' range around the median: "±4%" for slowest-fastest over median of 8%.</summary>
    public static string Spread(TimingStatistics t) => $"{t.Runs} runs, ±{(50 * t.RelativeSpread).ToString("0", Inv)}%";
}

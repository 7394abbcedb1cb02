using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Phantom;
using CovidSeg.Runs;
using CovidSeg.Runtime;
using CovidSeg.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CovidSeg.Tests.Training;

/// <summary>Mixed-precision training (issue 16): bf16 steps on a copy of the network, fp32 master weights.</summary>
public class Bf16TrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void AutoTrainsInFp32WithoutBf16InstructionsAndMeasuresNothing()
    {
        var choice = TrainingPrecisionChooser.Choose(TrainingPrecision.Auto, cpuHasBf16: false, () => throw new InvalidOperationException("must not measure"));
        Assert.Equal(ScalarType.Float32, choice.Dtype);
        Assert.Equal("fp32 (auto: this CPU has no bf16 instructions)", choice.Describe());
        var fast = TrainingPrecisionChooser.Choose(TrainingPrecision.Auto, cpuHasBf16: true, () => new Bf16Speed(1024, Fp32Seconds: 0.012, Bf16Seconds: 0.003));
        Assert.Equal(ScalarType.BFloat16, fast.Dtype);
        Assert.Equal(ScalarType.Float32, TrainingPrecisionChooser.Choose(TrainingPrecision.Fp32, cpuHasBf16: true, () => throw new InvalidOperationException()).Dtype);
    }

    [Fact]
    public void ARunWithoutAPrecisionTrainsInFp32()
    {
        Assert.Equal(TrainingPrecision.Fp32, new TrainingOptions().Precision);
        Assert.Equal(TrainingPrecision.Bf16, TrainingPrecisionChooser.Parse(" BF16 "));
        Assert.Equal(TrainingPrecision.Auto, TrainingPrecisionChooser.Parse("auto"));
        Assert.Throws<CovidSegException>(() => TrainingPrecisionChooser.Parse("fp16"));
    }

    /// <summary>
    /// The bf16 copy's gradient for one batch against fp32's, for a U-Net (3x3 and transposed convolutions, batch norm)
    /// and the ResNeXt + LSH attention network (grouped and 1x1 convolutions, layer norm, linear layers, attention), at
    /// the default width 16 and at width 8, where libtorch's bf16 kernels are wrong for some layers on this CPU.
    /// </summary>
    [Bf16CpuFact]
    public void Bf16GradientsAgreeWithFp32()
    {
        foreach (string arch in new[] { Architectures.UNetName, Architectures.ResidualAttentionUNetName })
        foreach (int width in new[] { 16, 8 })
        {
            using var scope = NewDisposeScope();
            var (x, y) = PhantomBatch(4, 64);
            using var master = ModelFactory.Create(SmallModel(arch, width), seed: 3);
            master.train();
            using var loss = new SegmentationLoss(LossKind.DiceCrossEntropy, null, 4);
            using var bf16 = Bf16WorkingCopy.Create(master);
            manual_seed(5);
            var fp32Loss = loss.Compute(master.forward(x), y);
            // The fp32 reference on kernels known to be right (oneDNN's fp32 backward is wrong at width 8).
            var kernels = BackwardKernelChoice.Check(fp32Loss, master);
            kernels.Backward(fp32Loss);
            var fp32Gradients = bf16.MasterGradients();
            manual_seed(5);
            bf16.ZeroGradients();
            kernels.Backward(loss.Compute(bf16.Forward(x), y));
            double error = bf16.GradientError(fp32Gradients);
            output.WriteLine($"{arch} width {width}: bf16 gradient {error:P1} off fp32's; fp32 layers {string.Join(", ", bf16.Fp32Layers)}");
            Assert.True(error <= Bf16WorkingCopy.GradientTolerance, $"{arch} width {width}: bf16 gradient {error:P1} off fp32's");
        }
    }

    [Bf16CpuFact]
    [Trait("Category", "Slow")]
    public void APhantomTrainingInBf16LearnsAndKeepsFp32Checkpoints()
    {
        using var folder = new TempFolder();
        var data = new PhantomDataset(16, seed: 3, new PhantomOptions { Size = 64, GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 });
        var training = new TrainingOptions { Epochs = 12, BatchSize = 4, Seed = 11, Threads = 2, LearningRate = 3e-3, Loss = LossKind.DiceCrossEntropy, Precision = TrainingPrecision.Bf16 };
        var request = new TrainingRequest(data, Enumerable.Range(0, 12).ToList(), [12, 13, 14, 15], SmallModel(Architectures.UNetName, 16),
            new PreprocessingOptions(Side: 64), AugmentationMode.None, training, folder.File("run"));
        var result = Trainer.Run(request, SilentTrainingObserver.Instance, CancellationToken.None);

        var history = result.Manifest.History;
        output.WriteLine(string.Join("\n", history.Select(h => $"epoch {h.Epoch} loss {h.TrainLoss:F4} pooled lesion Dice {h.ValidationGlobalLesionDice:F4} {h.Precision}")));
        Assert.All(history, h => Assert.Equal("bf16", h.Precision));
        Assert.StartsWith("bf16 (asked for", result.Manifest.Precision);
        Assert.True(history[^1].TrainLoss < 0.7 * history[0].TrainLoss, $"training loss should fall by 30%: {string.Join(", ", history.Select(h => h.TrainLoss))}");
        Assert.True(history.Max(h => h.ValidationGlobalLesionDice ?? 0) > 0.3, "bf16 training should find lesions on phantoms (pooled lesion Dice above 0.3)");
        Assert.Contains(",bf16", File.ReadAllLines(Path.Combine(folder.File("run"), TrainingLog.FileName))[^1]);
        using var reloaded = ModelFactory.Create(result.Manifest.Model);
        CheckpointStore.LoadModel(folder.File("run"), result.Manifest.LastCheckpoint!, reloaded);
        Assert.All(reloaded.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    private static ModelOptions SmallModel(string arch, int width) => new()
    {
        Arch = arch, Classes = 4, BaseWidth = width, Depth = 2, ResNeXt = new ResNeXtOptions(Cardinality: 4), AttentionLevels = [0],
        Attention = new LshAttentionOptions(ChunkSize: 16, GammaInit: 0.5),
    };

    private static (Tensor Images, Tensor Masks) PhantomBatch(int count, int side)
    {
        var data = new PhantomDataset(count, seed: 7, new PhantomOptions { Size = side, GroundGlassProbability = 1, ConsolidationProbability = 1 });
        var prepared = Enumerable.Range(0, count).Select(i => Preprocessing.Prepare(data.Load(i), new PreprocessingOptions(Side: side))).ToList();
        return (stack(prepared.Select(p => p.Image)), stack(prepared.Select(p => p.Mask)));
    }
}

using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Phantom;
using CovidSeg.Models;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Inference;

/// <summary>
/// A small U-Net (width 16: a width-8 one meets a fault in libtorch's bf16 kernels, <see cref="Bf16KernelCheck"/>) trained long enough on 48 x 48 phantom slices to find lesions (unlike <see cref="TrainedRunFixture"/>,
/// whose 2 epochs leave it near chance), for tests that compare predictions: a comparison of two ways of computing
/// labels means little on logits that barely separate the classes. About 20 s on two busy cores.
/// </summary>
public sealed class LearnedRunFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public LearnedRunFixture()
    {
        Options = new PhantomOptions { Size = 48, GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 };
        var data = new PhantomDataset(20, seed: 5, Options);
        var model = new ModelOptions { Arch = Architectures.UNetName, Classes = data.Labels.Count, BaseWidth = 16, Depth = 2 };
        // Cross-entropy plus soft Dice: plain cross-entropy leaves small networks predicting background (docs/model.md).
        var training = new TrainingOptions { Epochs = 15, BatchSize = 4, LearningRate = 3e-3, Seed = 7, Loss = LossKind.DiceCrossEntropy, Threads = 2 };
        RunDirectory = folder.File("run");
        Result = Trainer.Run(new TrainingRequest(data, Enumerable.Range(0, 16).ToArray(), [16, 17, 18, 19], model,
            new PreprocessingOptions(Side: 48), AugmentationMode.None, training, RunDirectory), SilentTrainingObserver.Instance, CancellationToken.None);
    }

    /// <summary>The phantom settings it was trained on; slices for tests should come from other seeds.</summary>
    public PhantomOptions Options { get; }
    public string RunDirectory { get; }
    public TrainingResult Result { get; }

    public void Dispose() => folder.Dispose();
}

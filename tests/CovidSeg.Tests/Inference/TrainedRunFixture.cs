using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.Models;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Inference;

/// <summary>One tiny U-Net trained for 2 epochs on 48 x 48 phantom slices, shared by a test class.</summary>
public sealed class TrainedRunFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public TrainedRunFixture()
    {
        Data = new PhantomDataset(8, seed: 3, new PhantomOptions { Size = 48, GroundGlassProbability = 1, ConsolidationProbability = 1, EffusionProbability = 1 });
        var model = new ModelOptions { Arch = Architectures.UNetName, Classes = Data.Labels.Count, BaseWidth = 8, Depth = 2 };
        var training = new TrainingOptions { Epochs = 2, BatchSize = 3, Seed = 11, Threads = 2 };
        RunDirectory = folder.File("run");
        Result = Trainer.Run(new TrainingRequest(Data, TrainIndices, ValidationIndices, model, new PreprocessingOptions(Side: 48),
            CovidSeg.Data.Augmentation.AugmentationMode.None, training, RunDirectory), SilentTrainingObserver.Instance, CancellationToken.None);
    }

    public static int[] TrainIndices => [0, 1, 2, 3, 4, 5];
    public static int[] ValidationIndices => [6, 7];
    public PhantomDataset Data { get; }
    public string RunDirectory { get; }
    public TrainingResult Result { get; }

    public void Dispose() => folder.Dispose();
}

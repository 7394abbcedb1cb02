using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.Inference;
using CovidSeg.Models;
using CovidSeg.Runtime;
using CovidSeg.Training;
using CovidSeg.Labels;
using CovidSeg.Runs;

namespace CovidSeg.Benchmarks;

/// <summary>
/// <c>covidseg predict</c> on one CT volume, end to end (read the NIfTI, window and resize each slice, run the
/// network, resize the scores back and take labels, lung mask, overlays, quantification, write every output), against
/// the network's own share of that time. All times are medians over the runs.
/// </summary>
public sealed record VolumeRow(string Arch, int Nx, int Ny, int Nz, int NetworkSide, int Batch,
    TimingStatistics TotalSeconds, double NetworkSeconds, double PrepareSeconds, double RestoreSeconds, double GenerateSeconds)
{
    /// <summary>Everything that is not the network, as a fraction of the network's time (the target is at most 0.2).</summary>
    public double Overhead => (TotalSeconds.Median - NetworkSeconds) / NetworkSeconds;
}

/// <summary>
/// Writes a phantom chest-CT volume as NIfTI (<see cref="PhantomExport.WriteVolume"/>) and a run folder holding an
/// untrained network with the paper's preprocessing (cost does not depend on the weights), then times
/// <see cref="Predictor.PredictOne"/> on it. The work folder is deleted afterwards.
/// </summary>
public static class VolumeBenchmark
{
    public static VolumeRow Measure(ModelOptions model, int nx, int ny, int nz, int side, int batch, int runs, string workFolder, long seed = 1)
    {
        Directory.CreateDirectory(workFolder);
        try
        {
            var generate = System.Diagnostics.Stopwatch.StartNew();
            var phantom = ChestPhantom.GenerateVolume(nx, ny, nz, (int)seed);
            string input = PhantomExport.WriteVolume(Path.Combine(workFolder, "data"), "volume", phantom);
            double generateSeconds = generate.Elapsed.TotalSeconds;
            string run = WriteUntrainedRun(Path.Combine(workFolder, "run"), model with { Classes = LabelSet.MedSeg.Count }, side, seed);

            using var ensemble = Ensemble.Load([run], CovidSeg.Inference.TestTimeAugmentation.None);
            string outputs = Directory.CreateDirectory(Path.Combine(workFolder, "out")).FullName;
            var predictor = new Predictor(ensemble, new PredictionOptions(outputs, BatchSize: batch));
            var network = new List<double>();
            var prepare = new List<double>();
            var restore = new List<double>();
            var total = TimingStatistics.Measure(() =>
            {
                predictor.SegmentationClock.Reset();
                predictor.PredictOne(input);
                network.Add(predictor.SegmentationClock.NetworkSeconds);
                prepare.Add(predictor.SegmentationClock.PrepareSeconds);
                restore.Add(predictor.SegmentationClock.RestoreSeconds);
            }, warmups: 0, runs: runs);
            return new VolumeRow(model.Arch, nx, ny, nz, side, batch, total,
                TimingStatistics.MedianOf(network), TimingStatistics.MedianOf(prepare), TimingStatistics.MedianOf(restore), generateSeconds);
        }
        finally
        {
            try
            {
                Directory.Delete(workFolder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is not worth failing a finished measurement for.
            }
        }
    }

    /// <summary>A run folder <see cref="TrainedModel.Load"/> accepts, with freshly initialised weights.</summary>
    public static string WriteUntrainedRun(string runDirectory, ModelOptions model, int side, long seed)
    {
        Directory.CreateDirectory(runDirectory);
        using var network = ModelFactory.Create(model, seed);
        string checkpoint = CheckpointStore.Save(runDirectory, "untrained", network, optimizer: null);
        new RunManifest
        {
            CovidSegVersion = TorchRuntime.Describe().CovidSegVersion,
            Created = DateTimeOffset.UtcNow,
            Updated = DateTimeOffset.UtcNow,
            Model = model,
            Labels = LabelSet.MedSeg,
            Preprocessing = new PreprocessingOptions(Side: side),
            Training = new TrainingOptions { Epochs = 0 },
            Data = new RunData("benchmark: untrained weights", "", [], []),
            LastCheckpoint = checkpoint,
        }.Save(runDirectory);
        return runDirectory;
    }
}

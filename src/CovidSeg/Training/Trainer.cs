using System.Diagnostics;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.Models;
using CovidSeg.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Labels;
using CovidSeg.Runs;

namespace CovidSeg.Training;

/// <summary>
/// Trains one network on one split with Adam, the paper's optimiser, and keeps RUN_DIR up to date: a checkpoint and
/// run.json after every epoch and on cancellation (Ctrl-C), log.csv and the learning curve. A resumed run continues
/// from the exact step it stopped at, with the optimiser state and random-number state it had, so it reaches the
/// same weights as an uninterrupted run with the same seed.
/// </summary>
public static class Trainer
{
    public static TrainingResult Run(TrainingRequest request, ITrainingObserver observer, CancellationToken cancel)
    {
        string runDir = Path.GetFullPath(request.RunDirectory);
        RunManifest? previous = null;
        if (request.ResumeRun)
            previous = RunManifest.Load(runDir);
        else if (File.Exists(Path.Combine(runDir, RunManifest.FileName)))
            throw new CovidSegException($"{runDir} already holds a training run; pass --resume to continue it, or choose another output folder");

        var options = previous?.Training ?? request.Training;
        options.Validate();
        var modelOptions = previous?.Model ?? request.Model;
        var prep = previous?.Preprocessing ?? request.Preprocessing;
        var augmentation = previous?.Augmentation ?? request.Augmentation;
        var labels = request.Data.Labels;
        if (previous is not null && !previous.Labels.SameAs(labels))
            throw new CovidSegException($"the data's label set ({labels.Count} classes) differs from the run's ({previous.Labels.Count}); cannot resume on other data");
        if (modelOptions.Classes != labels.Count)
            throw new CovidSegException($"the network predicts {modelOptions.Classes} classes but the data set labels {labels.Count}");
        // A run resumed on a machine with fewer cores uses them all rather than being refused for its recorded count.
        TorchRuntime.Configure(Math.Min(options.Threads, Environment.ProcessorCount));
        Directory.CreateDirectory(runDir);

        var (trainIdx, valIdx) = previous is null
            ? (request.TrainIndices, request.ValidationIndices)
            : (IndicesOf(request.Data, previous.Data.TrainIds), IndicesOf(request.Data, previous.Data.ValidationIds));
        if (trainIdx.Count == 0) throw new CovidSegException("no training samples");

        observer.Message($"preparing {trainIdx.Count} training and {valIdx.Count} validation slices at {prep.Side}x{prep.Side}");
        var fingerprint = new DataFingerprint();
        using var train = PreparedSlices.Load(request.Data, trainIdx, prep, fingerprint);
        using var validation = PreparedSlices.Load(request.Data, valIdx, prep, fingerprint);
        string dataFingerprint = fingerprint.Finish();
        if (previous is not null && previous.Data.Fingerprint != dataFingerprint)
            throw new CovidSegException($"the data differs from what run {runDir} was trained on (fingerprint {dataFingerprint} vs {previous.Data.Fingerprint}); resume needs the same data");
        var epochSource = new AugmentedSampleProvider(train.Samples, augmentation, unchecked((int)options.Seed));

        using var model = ModelFactory.Create(modelOptions, options.Seed);
        using var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate);
        using var loss = new SegmentationLoss(options.Loss, options.ClassWeights, labels.Count);

        var manifest = previous ?? new RunManifest
        {
            CovidSegVersion = TorchRuntime.Describe().CovidSegVersion,
            Created = DateTimeOffset.UtcNow,
            Updated = DateTimeOffset.UtcNow,
            Model = modelOptions,
            Labels = labels,
            Preprocessing = prep,
            Training = options,
            Augmentation = augmentation,
            Data = new RunData(request.Data.Source, dataFingerprint, train.Ids, validation.Ids),
        };
        if (previous?.LastCheckpoint is { } last)
        {
            CheckpointStore.LoadModel(runDir, last, model);
            CheckpointStore.LoadOptimizerAndRng(runDir, last, optimizer);
            observer.Message($"resuming after epoch {previous.Progress.CompletedEpochs}" +
                             (previous.Progress.StepsIntoEpoch > 0 ? $", step {previous.Progress.StepsIntoEpoch}" : ""));
        }

        BackwardKernelChoice? backwardKernels = null; // checked on this session's first step
        var history = manifest.History.ToList();
        var progress = manifest.Progress;
        int sinceBest = history.Count > 0 && manifest.BestEpoch is { } be ? history[^1].Epoch - be : 0;
        for (int epoch = progress.CompletedEpochs; epoch < options.Epochs && !progress.Finished; epoch++)
        {
            double lr = LearningRateSchedule.At(options.Schedule, options.LearningRate, epoch, options.Epochs);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            bool midEpoch = epoch == progress.CompletedEpochs && progress.StepsIntoEpoch > 0;
            int firstStep = midEpoch ? progress.StepsIntoEpoch : 0;
            double lossSum = midEpoch ? progress.PartialLossSum : 0;
            int images = midEpoch ? progress.PartialImages : 0;
            // Fresh epochs reseed libtorch (random LSH rotations); a resumed epoch got its state back from rng.bin.
            if (!midEpoch) torch.manual_seed(EpochSeed(options.Seed, epoch));

            int[] order = epochSource.Order(epoch);
            int steps = (order.Length + options.BatchSize - 1) / options.BatchSize;
            observer.EpochStarted(epoch + 1, options.Epochs, steps);
            var clock = Stopwatch.StartNew();
            int imagesThisSession = 0;
            model.train();
            for (int step = firstStep; step < steps; step++)
            {
                if (cancel.IsCancellationRequested)
                {
                    var saved = SaveCheckpoint(runDir, manifest with
                    {
                        Progress = new RunProgress { CompletedEpochs = epoch, StepsIntoEpoch = step, PartialLossSum = lossSum, PartialImages = images },
                        History = history,
                    }, model, optimizer, $"epoch-{epoch + 1:D4}-step-{step:D5}");
                    observer.Message($"interrupted: saved epoch {epoch + 1} step {step} to {runDir}; continue with --resume");
                    return new TrainingResult(saved, Interrupted: true);
                }
                using var scope = torch.NewDisposeScope();
                var batch = order.Skip(step * options.BatchSize).Take(options.BatchSize).ToArray();
                var drawn = batch.Select(i => epochSource.Get(epoch, i)).ToList();
                var x = stack(drawn.Select(d => d.Image));
                var y = stack(drawn.Select(d => d.Mask));
                optimizer.zero_grad();
                var logits = model.forward(x);
                var value = loss.Compute(logits, y);
                // Checked before the step: a non-finite loss or gradient must never reach the weights or Adam's moments.
                double v = value.item<float>();
                if (!double.IsFinite(v)) throw Stopped(runDir, manifest, $"loss is {v} at epoch {epoch + 1}, step {step + 1}");
                if (backwardKernels is null)
                {
                    backwardKernels = BackwardKernelChoice.Check(value, model);
                    observer.Message($"backward passes: {backwardKernels.Reason}");
                }
                backwardKernels.Backward(value);
                if (NonFiniteTensors.FirstInGradients(model) is { } badGradient)
                    throw Stopped(runDir, manifest, $"the gradient of {badGradient} is not finite at epoch {epoch + 1}, step {step + 1}");
                optimizer.step();
                lossSum += v * batch.Length;
                images += batch.Length;
                imagesThisSession += batch.Length;
                observer.StepFinished(epoch + 1, step + 1, steps, lossSum / images, imagesThisSession / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;

            if (NonFiniteTensors.FirstInWeights(model) is { } badWeight)
                throw Stopped(runDir, manifest, $"{badWeight} holds NaN or Inf after epoch {epoch + 1}");
            var (valLoss, dice, lesionDice, globalLesionDice) = Validate(model, validation, labels);
            if (valLoss is { } vl && !double.IsFinite(vl))
                throw Stopped(runDir, manifest, $"the validation loss is {vl} after epoch {epoch + 1}");
            var record = new EpochRecord(epoch + 1, lr, lossSum / Math.Max(1, images), valLoss, dice, lesionDice, globalLesionDice,
                clock.Elapsed.TotalSeconds, imagesThisSession / Math.Max(1e-9, trainSeconds));
            history.Add(record);

            // Without validation data the last epoch is the best one we can name.
            bool isBest = manifest.BestLesionDice is not { } bestSoFar || globalLesionDice is null || globalLesionDice > bestSoFar;
            sinceBest = isBest ? 0 : sinceBest + 1;
            bool stopEarly = options.EarlyStoppingPatience > 0 && sinceBest >= options.EarlyStoppingPatience;
            bool finished = epoch + 1 == options.Epochs || stopEarly;
            string name = $"epoch-{epoch + 1:D4}";
            manifest = SaveCheckpoint(runDir, manifest with
            {
                Progress = new RunProgress { CompletedEpochs = epoch + 1, Finished = finished, StoppedEarly = stopEarly },
                History = history.ToList(),
                BestCheckpoint = isBest ? Path.Combine("checkpoints", name) : manifest.BestCheckpoint,
                BestEpoch = isBest ? epoch + 1 : manifest.BestEpoch,
                BestLesionDice = isBest ? globalLesionDice : manifest.BestLesionDice,
            }, model, optimizer, name);
            progress = manifest.Progress;
            TrainingLog.Write(runDir, labels, history);
            observer.EpochFinished(record, isBest);
            if (stopEarly) observer.Message($"early stop: no lesion Dice gain for {options.EarlyStoppingPatience} epochs");
        }
        TryWritePlot(runDir, history, observer);
        return new TrainingResult(manifest, Interrupted: false);
    }

    /// <summary>
    /// The one-line error for a run that went non-finite. Nothing of the failed epoch is saved, so the run folder still
    /// holds the last good checkpoint, and run.json still names it (and the best one) as before.
    /// </summary>
    private static CovidSegException Stopped(string runDir, RunManifest manifest, string what)
    {
        string kept = manifest.LastCheckpoint is { } last
            ? $"the last good checkpoint, {Path.GetFileName(last)}, is kept in {runDir}"
            : "no epoch had finished, so no checkpoint was written";
        return new CovidSegException($"training stopped: {what}; {kept}. Lower the learning rate, or check the data for NaN or extreme values");
    }

    private static (double? Loss, double[] Dice, double? LesionDice, double? GlobalLesionDice) Validate(nn.Module<Tensor, Tensor> model, PreparedSlices validation, LabelSet labels)
    {
        if (validation.Count == 0) return (null, [], null, null);
        var result = Validation.Run(model, validation, labels);
        model.train();
        var report = result.Report;
        double[] dice = report.MeanOverImages.PerClass.Select(c => c.Scores.Dice).ToArray();
        return (result.Loss, dice, report.MeanOverImages.LesionMean.Dice, report.Global.LesionMean.Dice);
    }

    private static RunManifest SaveCheckpoint(string runDir, RunManifest manifest, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer, string name)
    {
        string relative = CheckpointStore.Save(runDir, name, model, optimizer);
        var updated = manifest with { LastCheckpoint = relative, Updated = DateTimeOffset.UtcNow };
        updated.Save(runDir);
        CheckpointStore.Prune(runDir, updated.LastCheckpoint, updated.BestCheckpoint);
        return updated;
    }

    private static void TryWritePlot(string runDir, IReadOnlyList<EpochRecord> history, ITrainingObserver observer)
    {
        try
        {
            LearningCurvePlot.Write(runDir, history);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TypeInitializationException or DllNotFoundException)
        {
            // The plot is a convenience; log.csv holds the same numbers.
            observer.Message($"learning-curve plot not written: {e.Message}");
        }
    }

    internal static long EpochSeed(long seed, int epoch) => unchecked(seed * 1_000_003L + epoch + 1);

    private static IReadOnlyList<int> IndicesOf(ISegmentationDataset data, IReadOnlyList<string> ids)
    {
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < data.Count; i++) byId[data.IdAt(i)] = i;
        return ids.Select(id => byId.TryGetValue(id, out int i) ? i
            : throw new CovidSegException($"sample '{id}' of the run is not in {data.Source}; resume needs the same data")).ToList();
    }
}

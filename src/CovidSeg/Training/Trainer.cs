using System.Diagnostics;
using System.Globalization;
using CovidSeg.Data;
using CovidSeg.Data.Augmentation;
using CovidSeg.Evaluation;
using CovidSeg.Inference;
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
        var setup = TrainingSetup.Resolve(request);
        var (runDir, previous, options, labels) = (setup.RunDirectory, setup.Previous, setup.Options, setup.Labels);
        var (modelOptions, prep, augmentation) = (setup.Model, setup.Preprocessing, setup.Augmentation);
        var (trainIdx, valIdx) = (setup.TrainIndices, setup.ValidationIndices);
        // A run resumed on a machine with fewer cores uses them all rather than being refused for its recorded count.
        TorchRuntime.Configure(Math.Min(options.Threads, Environment.ProcessorCount));
        Directory.CreateDirectory(runDir);

        observer.Message($"preparing {trainIdx.Count} training and {valIdx.Count} validation slices at {prep.Side}x{prep.Side}");
        var fingerprint = new DataFingerprint();
        using var train = PreparedSlices.Load(request.Data, trainIdx, prep, fingerprint);
        using var validation = PreparedSlices.Load(request.Data, valIdx, prep, fingerprint);
        string dataFingerprint = fingerprint.Finish();
        if (previous is not null && previous.Data.Fingerprint != dataFingerprint)
            throw new CovidSegException($"the data differs from what run {runDir} was trained on (fingerprint {dataFingerprint} vs {previous.Data.Fingerprint}); resume needs the same data");
        var epochSource = new AugmentedSampleProvider(train.Samples, augmentation, unchecked((int)options.Seed));

        using var model = ModelFactory.Create(modelOptions, options.Seed);
        // Built from the same seed, so creating it leaves torch's generator where the run's own network left it.
        using var average = options.AverageLastEpochs > 0
            ? new WeightAverage(ModelFactory.Create(modelOptions, options.Seed), model,
                WeightAverage.CountAfter(previous?.Progress.CompletedEpochs ?? 0, options.Epochs, options.AverageLastEpochs))
            : null;
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
            if (average is { Count: > 0 }) CheckpointStore.LoadAveraged(runDir, last, average.Network);
            observer.Message($"resuming after epoch {previous.Progress.CompletedEpochs}" +
                             (previous.Progress.StepsIntoEpoch > 0 ? $", step {previous.Progress.StepsIntoEpoch}" : ""));
        }

        var continuing = options.Precision == ComputePrecision.Auto ? TrainingPrecisionChooser.Continuing(previous?.Precision, TorchRuntime.Describe().Bf16) : null;
        var precision = continuing ?? TrainingPrecisionChooser.Choose(options.Precision);
        using var bf16 = precision.Dtype == ScalarType.BFloat16 ? Bf16WorkingCopy.Create(model) : null;
        observer.Message($"precision: {precision.Describe()}{bf16?.DescribeFp32Layers()}");
        var session = new Session(runDir, options, model, optimizer, loss, epochSource, observer, cancel) { Bf16 = bf16, Precision = precision.Describe(), MeasureSpeed = options.Precision == ComputePrecision.Auto && continuing is null, Average = average };
        var history = manifest.History.ToList();
        var progress = manifest.Progress;
        int sinceBest = EpochVerdict.SinceBestIn(manifest);
        for (int epoch = progress.CompletedEpochs; epoch < options.Epochs && !progress.Finished; epoch++)
        {
            double lr = LearningRateSchedule.At(options.Schedule, options.LearningRate, epoch, options.Epochs);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            var trained = TrainEpoch(session, manifest, history, epoch);
            if (trained.Interrupted is { } interrupted) return new TrainingResult(interrupted, Interrupted: true);

            if (NonFiniteTensors.FirstInWeights(model) is { } badWeight)
                throw CheckpointCommit.Stopped(runDir, manifest, $"{badWeight} holds NaN or Inf after epoch {epoch + 1}");
            var (valLoss, dice, lesionDice, globalLesionDice) = Validate(model, validation, labels);
            if (valLoss is { } vl && !double.IsFinite(vl))
                throw CheckpointCommit.Stopped(runDir, manifest, $"the validation loss is {vl} after epoch {epoch + 1}");
            var record = new EpochRecord(epoch + 1, lr, trained.LossSum / Math.Max(1, trained.Images), valLoss, dice, lesionDice, globalLesionDice,
                trained.Clock.Elapsed.TotalSeconds, trained.ImagesPerSecond, session.Bf16 is null ? "fp32" : "bf16");
            history.Add(record);

            // A validation Dice that may not pick checkpoints is withheld from the verdict, which then keeps every epoch as the latest best.
            var verdict = EpochVerdict.Judge(manifest.BestLesionDice, request.ValidationPicksCheckpoint ? globalLesionDice : null, sinceBest, options.EarlyStoppingPatience, epoch, options.Epochs);
            sinceBest = verdict.SinceBest;
            var (isBest, stopEarly, finished) = (verdict.IsBest, verdict.StopEarly, verdict.Finished);
            if (average is not null && epoch + 1 >= WeightAverage.FirstEpoch(options.Epochs, options.AverageLastEpochs)) average.Add();
            string? averagedCheckpoint = finished && average is { Count: > 0 } ? SaveAverage(runDir, average, validation, labels, dice, observer) : null;
            string name = $"epoch-{epoch + 1:D4}";
            manifest = CheckpointCommit.Save(runDir, manifest with
            {
                AveragedCheckpoint = averagedCheckpoint ?? manifest.AveragedCheckpoint,
                Progress = new RunProgress { CompletedEpochs = epoch + 1, Finished = finished, StoppedEarly = stopEarly },
                History = history.ToList(),
                BestCheckpoint = isBest ? Path.Combine("checkpoints", name) : manifest.BestCheckpoint,
                BestEpoch = isBest ? epoch + 1 : manifest.BestEpoch,
                BestLesionDice = isBest ? globalLesionDice : manifest.BestLesionDice,
                Precision = session.Precision,
            }, model, optimizer, name, average is { Count: > 0 } ? average.Network : null);
            progress = manifest.Progress;
            TrainingLog.Write(runDir, labels, history);
            observer.EpochFinished(record, isBest);
            if (stopEarly) observer.Message($"early stop: no lesion Dice gain for {options.EarlyStoppingPatience} epochs");
        }
        TryWritePlot(runDir, history, observer);
        return new TrainingResult(manifest, Interrupted: false);
    }

    /// <summary>What stays the same for every epoch of one call of <see cref="Run"/>.</summary>
    private sealed class Session(string runDir, TrainingOptions options, SegmentationNetwork model, TorchSharp.Modules.OptimizerHelper optimizer,
        SegmentationLoss loss, AugmentedSampleProvider epochSource, ITrainingObserver observer, CancellationToken cancel)
    {
        public string RunDir => runDir;
        public TrainingOptions Options => options;
        public SegmentationNetwork Model => model;
        public TorchSharp.Modules.OptimizerHelper Optimizer => optimizer;
        public SegmentationLoss Loss => loss;
        public AugmentedSampleProvider EpochSource => epochSource;
        public ITrainingObserver Observer => observer;
        public CancellationToken Cancel => cancel;
        /// <summary>Checked on this session's first step.</summary>
        public BackwardKernelChoice? BackwardKernels { get; set; }
        /// <summary>The bf16 network that computes the steps, or null for fp32; dropped if its first gradients are wrong.</summary>
        public Bf16WorkingCopy? Bf16 { get; set; }
        /// <summary>The precision of the steps and why, as run.json records it.</summary>
        public string Precision { get; set; } = "fp32";
        /// <summary>bf16 was chosen by auto: the first step times it against fp32 on this network and batch.</summary>
        public bool MeasureSpeed { get; init; }
        /// <summary>The running average of the last epochs' weights, saved with every checkpoint; null when not averaging.</summary>
        public WeightAverage? Average { get; init; }
    }

    /// <summary>
    /// Writes the finished average as the checkpoint folder "averaged" and returns its path; with validation slices,
    /// says how it scores against the last epoch.
    /// </summary>
    private static string SaveAverage(string runDir, WeightAverage average, PreparedSlices validation, LabelSet labels, double[] lastEpochDice, ITrainingObserver observer)
    {
        string saved = CheckpointStore.Save(runDir, AveragedCheckpointName, average.Network, optimizer: null);
        string scored = "";
        if (validation.Count > 0)
        {
            var (_, dice, _, _) = Validate(average.Network, validation, labels);
            scored = "; validation Dice per class " + string.Join(" / ", dice.Select(d => d.ToString("F3", CultureInfo.InvariantCulture))) +
                     " against the last epoch's " + string.Join(" / ", lastEpochDice.Select(d => d.ToString("F3", CultureInfo.InvariantCulture)));
        }
        observer.Message(average.Count == 1
            ? $"the run's model is the last epoch's weights, saved as its average of 1 epoch ({saved}){scored}"
            : $"the run's model is the average of the last {average.Count} epochs' weights ({saved}){scored}");
        return saved;
    }

    /// <summary>The checkpoint folder name of the averaged weights.</summary>
    public const string AveragedCheckpointName = "averaged";

    /// <summary>
    /// The optimizer steps of one epoch, or the manifest saved when Ctrl-C stopped it part way. The clock keeps
    /// running: an epoch's seconds include its validation.
    /// </summary>
    private sealed record EpochTraining(double LossSum, int Images, Stopwatch Clock, double ImagesPerSecond, RunManifest? Interrupted);

    private static EpochTraining TrainEpoch(Session session, RunManifest manifest, List<EpochRecord> history, int epoch)
    {
        var (runDir, options, model, optimizer, loss, epochSource, observer) =
            (session.RunDir, session.Options, session.Model, session.Optimizer, session.Loss, session.EpochSource, session.Observer);
        var progress = manifest.Progress;
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
            if (session.Cancel.IsCancellationRequested)
            {
                var saved = CheckpointCommit.Save(runDir, manifest with
                {
                    Progress = new RunProgress { CompletedEpochs = epoch, StepsIntoEpoch = step, PartialLossSum = lossSum, PartialImages = images },
                    History = history,
                    // Before the first step has settled the precision, a resumed session decides afresh.
                    Precision = session.BackwardKernels is null ? manifest.Precision : session.Precision,
                }, model, optimizer, $"epoch-{epoch + 1:D4}-step-{step:D5}", session.Average is { Count: > 0 } average ? average.Network : null);
                observer.Message($"interrupted: saved epoch {epoch + 1} step {step} to {runDir}; continue with --resume");
                return new EpochTraining(lossSum, images, clock, 0, saved);
            }
            using var pause = CollectionPause.Enter();
            using var scope = torch.NewDisposeScope();
            var batch = order.Skip(step * options.BatchSize).Take(options.BatchSize).ToArray();
            var drawn = batch.Select(i => epochSource.Get(epoch, i)).ToList();
            var x = stack(drawn.Select(d => d.Image));
            var y = stack(drawn.Select(d => d.Mask));
            optimizer.zero_grad();
            double v = ForwardBackward(session, x, y);
            // Checked before the step: a non-finite loss or gradient must never reach the weights or Adam's moments.
            if (!double.IsFinite(v)) throw CheckpointCommit.Stopped(runDir, manifest, $"loss is {v} at epoch {epoch + 1}, step {step + 1}");
            if (NonFiniteTensors.FirstInGradients(model) is { } badGradient)
                throw CheckpointCommit.Stopped(runDir, manifest, $"the gradient of {badGradient} is not finite at epoch {epoch + 1}, step {step + 1}");
            optimizer.step();
            session.Bf16?.Synchronise();
            lossSum += v * batch.Length;
            images += batch.Length;
            imagesThisSession += batch.Length;
            observer.StepFinished(epoch + 1, step + 1, steps, lossSum / images, imagesThisSession / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        return new EpochTraining(lossSum, images, clock, imagesThisSession / Math.Max(1e-9, trainSeconds), null);
    }

    /// <summary>
    /// One forward and backward pass, in fp32 or on the bf16 copy, leaving fp32 gradients in the master network; the
    /// loss, which the caller checks (no backward pass runs when it is not finite).
    /// </summary>
    private static double ForwardBackward(Session session, Tensor x, Tensor y)
    {
        if (session.BackwardKernels is not { } kernels) return FirstForwardBackward(session, x, y);
        return TrainingPass.ForwardBackward(session.Model, session.Bf16, logits => session.Loss.Compute(logits, y), x, kernels);
    }

    /// <summary>
    /// The session's first step: the fp32 pass chooses the backward kernels (<see cref="BackwardKernelChoice"/>). With a
    /// bf16 copy chosen by auto, fp32 and bf16 passes on this batch are then timed, and bf16 is kept only if it is at
    /// least <see cref="PrecisionChooser.MinSpeedup"/> times as fast: fast bf16 products do not make every network fast
    /// (a width-16 U-Net at 96² stepped 2x slower in bf16 than in fp32 here, at 256² 2.7x faster). Then the bf16
    /// gradient for the batch must agree with fp32's within <see cref="Bf16WorkingCopy.GradientTolerance"/>, else auto
    /// trains the session in fp32 (a kernel fault no layer check caught must not train the network); bf16 asked for by
    /// name is kept with a warning, so it can be measured. The trial passes
    /// leave batch-norm statistics and the generator as they found them.
    /// </summary>
    private static double FirstForwardBackward(Session session, Tensor x, Tensor y)
    {
        var (model, loss) = (session.Model, session.Loss);
        double Fp32Pass() => TrainingPass.ForwardBackward(model, null, logits => loss.Compute(logits, y), x, session.BackwardKernels!);
        double Bf16Pass(Bf16WorkingCopy copy)
        {
            copy.ZeroGradients();
            return TrainingPass.Backward(loss.Compute(copy.Forward(x), y), session.BackwardKernels!);
        }
        if (session.Bf16 is not { } bf16)
        {
            var value = loss.Compute(model.forward(x), y);
            double v = value.item<float>();
            if (!double.IsFinite(v)) return v;
            session.BackwardKernels = ChooseKernels(session, value);
            session.BackwardKernels.Backward(value);
            return v;
        }

        IReadOnlyList<Tensor?> fp32Gradients;
        double floor;
        using (var trial = bf16.Trial())
        {
            var value = loss.Compute(model.forward(x), y);
            double v = value.item<float>();
            if (!double.IsFinite(v)) return v;
            session.BackwardKernels = ChooseKernels(session, value);
            session.BackwardKernels.Backward(value);
            fp32Gradients = bf16.MasterGradients();
            using (bf16.RoundedMaster())
            {
                trial.Rewind();
                model.zero_grad();
                TrainingPass.Backward(loss.Compute(model.forward(x.to(ScalarType.BFloat16).to(ScalarType.Float32)), y), session.BackwardKernels);
                floor = Bf16WorkingCopy.Difference(fp32Gradients, bf16.MasterGradients());
            }
            if (session.MeasureSpeed)
            {
                Bf16Pass(bf16); // warm-up: kernel selection, first allocations
                var (fp32Seconds, bf16Seconds) = InterleavedTiming.Fastest(() => { model.zero_grad(); Fp32Pass(); }, () => Bf16Pass(bf16), rounds: 2);
                string timed = string.Create(CultureInfo.InvariantCulture, $"a step's passes took {bf16Seconds:F3} s in bf16 against {fp32Seconds:F3} s in fp32 on this batch");
                if (fp32Seconds < PrecisionChooser.MinSpeedup * bf16Seconds)
                {
                    session.Bf16 = null;
                    session.Precision = $"fp32 (auto: bf16 products are fast here, but {timed}; bf16 needs {PrecisionChooser.MinSpeedup}x)";
                    session.Observer.Message($"precision: {session.Precision}");
                }
                else session.Observer.Message($"bf16 pays: {timed}");
            }
        }
        session.Optimizer.zero_grad();
        if (session.Bf16 is null) return Fp32Pass();

        double v16 = Bf16Pass(bf16);
        double error = double.IsFinite(v16) ? bf16.GradientError(fp32Gradients) : double.NaN;
        double tolerance = Bf16WorkingCopy.GradientTolerance(floor);
        string measured = string.Create(CultureInfo.InvariantCulture,
            $"the first step's bf16 gradient is {error:P1} off fp32's, rounding the weights and input to bf16 alone moves it {floor:P1}, allowed {tolerance:P1}");
        if (error <= tolerance || (session.Options.Precision == ComputePrecision.Bf16 && double.IsFinite(error)))
        {
            // Asked for with --precision bf16, bf16 it is (as for inference): the check is reported, not enforced.
            session.Observer.Message(error <= tolerance ? $"bf16 training checked: {measured}" : $"bf16 kept as asked, although {measured}");
            bf16.GradientsToMaster();
            return v16;
        }
        session.Bf16 = null;
        session.Precision = $"fp32 (bf16 refused: {measured}; was {session.Precision})";
        session.Observer.Message($"precision: {session.Precision}");
        return Fp32Pass();
    }

    private static BackwardKernelChoice ChooseKernels(Session session, Tensor loss)
    {
        var kernels = BackwardKernelChoice.Check(loss, session.Model);
        session.Observer.Message($"backward passes: {kernels.Reason}");
        return kernels;
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

}

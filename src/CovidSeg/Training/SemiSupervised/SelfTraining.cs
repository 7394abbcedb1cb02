using CovidSeg.Data;
using CovidSeg.Labels;
using CovidSeg.Imaging;
using CovidSeg.Inference;
using CovidSeg.IO;
using CovidSeg.Runs;

namespace CovidSeg.Training.SemiSupervised;

/// <summary>
/// Runs a <see cref="SelfTrainingRequest"/>: trains (or resumes, or reuses a finished) teacher, lets it label a seeded
/// sample of the unlabelled slices (<see cref="PseudoLabeller"/>), keeps the most confidently labelled ones, trains a
/// student from scratch on labelled + pseudo-labelled slices, and repeats with the student as teacher.
/// <para>
/// Teachers label with their last epoch's weights, never a "best" one: in cross-validation the best epoch is picked on
/// the held-out fold, which must not reach pseudo-labelling. Validation slices never join a student's training set.
/// Each student folder gets <see cref="SummaryFile"/>, saying which slices were pseudo-labelled and how confidently.
/// </para>
/// </summary>
public static class SelfTraining
{
    public const string SummaryFile = "pseudo-labels.json";

    public static TrainingResult Run(SelfTrainingRequest request, ITrainingObserver observer, CancellationToken cancel)
    {
        var options = request.Pseudo.Validate();
        var validation = new HashSet<int>(request.Teacher.ValidationIndices);
        if (request.Teacher.TrainIndices.Any(validation.Contains))
            throw new ArgumentException("a validation slice is among the teacher's training slices");
        var result = Trainer.Run(request.Teacher with { ResumeRun = HasRun(request.Teacher.RunDirectory) }, observer, cancel);
        if (result.Interrupted) return result;
        // The labelled training slices are the same in every round, and so is the histogram they give.
        var matching = options.MatchIntensities
            ? HistogramMatching.ToImages(request.Teacher.TrainIndices.Select(i => request.Teacher.Data.Load(i).Image))
            : null;

        string teacherDir = request.Teacher.RunDirectory;
        for (int round = 1; round <= options.Rounds; round++)
        {
            string studentDir = round == options.Rounds
                ? request.StudentDirectory
                : Path.Combine(request.StudentDirectory, $"round-{round}");
            var pseudo = LabelWithTeacher(teacherDir, request.Unlabelled, options, matching, request.Teacher.Training.Seed + round, observer, cancel);
            var data = new PseudoLabelledDataset(request.Teacher.Data, pseudo.Labels, request.Unlabelled.Source);
            int repeats = LabelledRepeats(request.Teacher.TrainIndices.Count, pseudo.Labels.Count);
            var student = request.Teacher with
            {
                Data = data,
                TrainIndices = Enumerable.Repeat(request.Teacher.TrainIndices, repeats).SelectMany(i => i).Concat(data.PseudoIndices).ToList(),
                Training = request.Teacher.Training with
                {
                    Epochs = options.StudentEpochs,
                    AverageLastEpochs = StudentEpochsToAverage(request.Teacher.Training, options.StudentEpochs),
                },
                RunDirectory = studentDir,
                ResumeRun = HasRun(studentDir),
            };
            observer.Message($"self-training round {round} of {options.Rounds}: student on {request.Teacher.TrainIndices.Count} labelled slices (each {repeats}x per epoch) + {pseudo.Labels.Count} pseudo-labelled slices -> {studentDir}");
            Directory.CreateDirectory(studentDir);
            WriteSummary(studentDir, teacherDir, options, pseudo.Labels, pseudo.Thresholds, request.Teacher.Data.Labels);
            result = Trainer.Run(student, observer, cancel);
            if (result.Interrupted) return result;
            teacherDir = studentDir;
        }
        return result;
    }

    /// <summary>
    /// The teacher's labels of a seeded sample of <see cref="PseudoLabelOptions.Candidates"/> unlabelled slices; the
    /// <see cref="PseudoLabelOptions.Slices"/> with the largest confident share (at least the minimum) are kept, in id order.
    /// </summary>
    /// <param name="matching">Maps each unlabelled slice onto the labelled slices' histogram first; null leaves them as they are.</param>
    public static (IReadOnlyList<PseudoLabel> Labels, double[] Thresholds) LabelWithTeacher(string teacherDir, UnlabelledImages unlabelled, PseudoLabelOptions options,
        HistogramMatching? matching, long seed, ITrainingObserver observer, CancellationToken cancel)
    {
        var order = Enumerable.Range(0, unlabelled.Count).ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        var candidates = (options.Candidates == 0 ? order : order.Take(options.Candidates)).Order().ToArray();
        observer.Message($"pseudo-labelling {candidates.Length} of {unlabelled.Count} unlabelled slices with the last epoch of {teacherDir}");
        List<TeacherPrediction> predictions;
        int classes;
        using (var teacher = TrainedModel.Load(teacherDir, lastEpoch: true))
        {
            classes = teacher.Labels.Count;
            predictions = [];
            var images = candidates.Select(i => (unlabelled.IdAt(i), matching is null ? unlabelled.Load(i) : matching.Apply(unlabelled.Load(i))));
            foreach (var prediction in PseudoLabeller.Predict(teacher, images))
            {
                cancel.ThrowIfCancellationRequested();
                predictions.Add(prediction);
            }
        }
        var thresholds = ClassThresholds.Balanced(predictions, classes, options.Threshold, options.ClassKeepShare);
        observer.Message($"confidence thresholds per class: {string.Join(", ", thresholds.Select(t => t.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        var labelled = predictions.Select(p => PseudoLabeller.Label(p, thresholds)).ToList();
        var kept = labelled
            .Where(p => p.ConfidentFraction >= options.MinConfidentFraction && p.LesionFraction >= options.MinLesionFraction)
            .OrderByDescending(p => p.ConfidentFraction).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Take(options.Slices)
            .OrderBy(p => p.Id, NaturalStringComparer.Instance)
            .ToList();
        if (kept.Count == 0)
            throw new CovidSegException($"the teacher in {teacherDir} labelled no unlabelled slice with at least {options.MinConfidentFraction:P0} of its pixels above probability {options.Threshold} and {options.MinLesionFraction:P1} of them lesion; lower --pseudo-threshold or train the teacher longer");
        observer.Message($"kept {kept.Count} pseudo-labelled slices (on average {kept.Average(p => p.ConfidentFraction):P1} of their pixels confident, {kept.Average(p => p.LesionFraction):P1} confident lesion)");
        return (kept, thresholds);
    }

    /// <summary>The student averages the same share of its epochs as its teacher did (at least one when the teacher averaged).</summary>
    public static int StudentEpochsToAverage(TrainingOptions teacher, int studentEpochs) =>
        WeightAverage.EpochsFor((double)teacher.AverageLastEpochs / teacher.Epochs, studentEpochs);

    /// <summary>How often each labelled slice appears in a student's epoch: enough to be about as many as the pseudo-labels.</summary>
    public static int LabelledRepeats(int labelled, int pseudo) =>
        labelled == 0 ? 1 : Math.Max(1, (int)Math.Round((double)pseudo / labelled, MidpointRounding.AwayFromZero));

    private static bool HasRun(string runDir) => File.Exists(Path.Combine(runDir, RunManifest.FileName));

    private static void WriteSummary(string studentDir, string teacherDir, PseudoLabelOptions options, IReadOnlyList<PseudoLabel> pseudo, double[] thresholds, LabelSet labels)
    {
        var summary = new
        {
            Teacher = Path.GetFullPath(teacherDir),
            Options = options,
            ClassNames = labels.Classes.Select(c => c.Name).ToList(),
            ClassThresholds = thresholds,
            Slices = pseudo.Select(p => new
            {
                p.Id,
                ConfidentFraction = Math.Round(p.ConfidentFraction, 6),
                LesionFraction = Math.Round(p.LesionFraction, 6),
                PixelsPerClass = p.PixelsPerClass(labels.Count),
            }).ToList(),
        };
        AtomicFile.WriteAllText(Path.Combine(studentDir, SummaryFile), JsonConvention.Serialize(summary, "covidseg-pseudo-labels/1"));
    }
}

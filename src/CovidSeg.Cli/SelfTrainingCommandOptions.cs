using System.CommandLine;
using CovidSeg.Data;
using CovidSeg.Training.SemiSupervised;

namespace CovidSeg.Cli;

/// <summary>The self-training options shared by train and cv: unlabelled slices and how they are pseudo-labelled.</summary>
public sealed class SelfTrainingCommandOptions
{
    private static readonly PseudoLabelOptions Defaults = new();

    public Option<DirectoryInfo?> Unlabelled { get; } = new("--unlabelled") { Description = "folder of unlabelled slices (or its images/ sub-folder): train a teacher on the labelled slices, then a student on them plus the teacher's confident pseudo-labels" };
    public Option<double> Threshold { get; } = new("--pseudo-threshold") { Description = "a pseudo-labelled pixel keeps its class only when the teacher's probability for it reaches this; other pixels are ignored", DefaultValueFactory = _ => Defaults.Threshold };
    public Option<double> KeepShare { get; } = new("--pseudo-class-share") { Description = "each class keeps at least this share of the pixels the teacher gives it (its most confident ones), so rare classes keep pseudo-labels; 0 = --pseudo-threshold only", DefaultValueFactory = _ => Defaults.ClassKeepShare };
    public Option<int> Slices { get; } = new("--pseudo-slices") { Description = "pseudo-labelled slices added to the student's training set", DefaultValueFactory = _ => Defaults.Slices };
    public Option<int> Candidates { get; } = new("--pseudo-candidates") { Description = "unlabelled slices the teacher labels (seeded sample; 0 = all); the most confident --pseudo-slices are kept", DefaultValueFactory = _ => Defaults.Candidates };
    public Option<int> Rounds { get; } = new("--pseudo-rounds") { Description = "teacher -> student rounds; each student teaches the next", DefaultValueFactory = _ => Defaults.Rounds };
    public Option<int> StudentEpochs { get; } = new("--student-epochs") { Description = "epochs of each student (over labelled + pseudo-labelled slices)", DefaultValueFactory = _ => Defaults.StudentEpochs };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Unlabelled, Threshold, KeepShare, Slices, Candidates, Rounds, StudentEpochs }) command.Options.Add(o);
    }

    /// <summary>The unlabelled slices and settings, or null when --unlabelled is not given.</summary>
    public SelfTrainingPlan? Build(ParseResult parse)
    {
        if (parse.GetValue(Unlabelled) is not { } folder) return null;
        var options = new PseudoLabelOptions(
            Threshold: parse.GetValue(Threshold),
            ClassKeepShare: parse.GetValue(KeepShare),
            Slices: parse.GetValue(Slices),
            Candidates: parse.GetValue(Candidates),
            Rounds: parse.GetValue(Rounds),
            StudentEpochs: parse.GetValue(StudentEpochs)).Validate();
        return new SelfTrainingPlan(new UnlabelledImages(folder.FullName), options);
    }
}

using CovidSeg.Data;
using CovidSeg.Imaging;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.Labels;
using CovidSeg.PostProcessing;
using CovidSeg.Runtime;

namespace CovidSeg.Inference;

/// <summary>
/// One or more trained networks applied together (for instance the K folds of a cross-validation): their softmax
/// probabilities are averaged, optionally also over symmetries of the image (<see cref="TestTimeAugmentation"/>), as nnU-Net does
/// (Isensee et al. 2021). Members must share the label set and the network input side; each prepares images with its
/// own preprocessing (so Hounsfield windows may differ). A single network without test-time augmentation returns its raw logits, so
/// its labels are computed exactly as the validation inside training computes them.
/// </summary>
public sealed class Ensemble : IDisposable
{
    private readonly List<TrainedModel> members;

    public Ensemble(IReadOnlyList<TrainedModel> members, TestTimeAugmentation tta, PrecisionChoice? precision = null)
    {
        if (members.Count == 0) throw new ArgumentException("an ensemble needs at least one model", nameof(members));
        var first = members[0];
        foreach (var m in members.Skip(1))
        {
            if (!m.Labels.SameAs(first.Labels))
                throw new CovidSegException(
                    $"models cannot be combined: {m.RunDirectory} labels {Describe(m.Labels)} but {first.RunDirectory} labels {Describe(first.Labels)}");
            if (m.Preprocessing.Side != first.Preprocessing.Side)
                throw new CovidSegException(
                    $"models cannot be combined: {m.RunDirectory} works at {m.Preprocessing.Side}x{m.Preprocessing.Side} but {first.RunDirectory} at {first.Preprocessing.Side}x{first.Preprocessing.Side}");
        }
        Precision = precision ?? new PrecisionChoice(first.Dtype, "as loaded");
        if (members.Any(m => m.Dtype != Precision.Dtype))
            throw new ArgumentException($"every member must be loaded in {Precision.Name}", nameof(members));
        this.members = members.ToList();
        Tta = tta;
    }

    /// <summary>
    /// Loads every run folder; with <paramref name="expected"/>, each must label exactly that set. On any failure the
    /// models already loaded are released and the error names the run. Weights are converted to
    /// <paramref name="precision"/> (default fp32).
    /// </summary>
    public static Ensemble Load(IReadOnlyList<string> runDirectories, TestTimeAugmentation tta, LabelSet? expected = null, PrecisionChoice? precision = null)
    {
        precision ??= PrecisionChoice.AsTrained;
        if (runDirectories.Count == 0) throw new CovidSegException("no model: pass --model RUN_DIR (a folder made by `covidseg train`)");
        var loaded = new List<TrainedModel>();
        try
        {
            foreach (string dir in runDirectories)
            {
                var model = TrainedModel.Load(dir);
                loaded.Add(model);
                if (expected is not null && !model.Labels.SameAs(expected))
                    throw new InvalidInputException(dir, $"the model labels {Describe(model.Labels)}, not the asked {Describe(expected)}");
            }
            if (precision.Dtype == ScalarType.BFloat16) precision = ConvertToBf16(loaded, precision);
            return new Ensemble(loaded, tta, precision);
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }

    public IReadOnlyList<TrainedModel> Members => this.members;
    /// <summary>The symmetries each member's probabilities are averaged over.</summary>
    public TestTimeAugmentation Tta { get; }
    /// <summary>The precision the members' forward passes run in, and why.</summary>
    public PrecisionChoice Precision { get; }
    public LabelSet Labels => this.members[0].Labels;
    public int Side => this.members[0].Preprocessing.Side;

    /// <summary>What <see cref="Scores"/> returns: logits for one network without test-time augmentation, else averaged probabilities.</summary>
    public ScoreKind Kind => this.members.Count == 1 && Tta.IsNone ? ScoreKind.Logits : ScoreKind.Probabilities;

    /// <summary>
    /// Class scores [N, C, S, S] (see <see cref="Kind"/>) for a batch of slices of any sizes, each prepared by
    /// <see cref="Preprocessing.ImageToTensor"/>; no gradients are recorded. <paramref name="clock"/>, when given, is
    /// charged the preparation and network time.
    /// </summary>
    public Tensor Scores(IReadOnlyList<GreyImage> slices, InferenceClock? clock = null)
    {
        clock ??= new InferenceClock();
        if (slices.Count == 0) throw new ArgumentException("no slices to segment", nameof(slices));
        using var noGrad = torch.no_grad();
        using var pause = CollectionPause.Enter();
        using var scope = NewDisposeScope();
        var prepared = new Dictionary<PreprocessingOptions, Tensor>();
        Tensor? sum = null;
        foreach (var member in this.members)
        {
            if (!prepared.TryGetValue(member.Preprocessing, out var images))
            {
                images = clock.TimePrepare(() => stack(slices.Select(s => Preprocessing.ImageToTensor(s, member.Preprocessing))));
                prepared[member.Preprocessing] = images;
            }
            if (Kind == ScoreKind.Logits) return clock.TimeNetwork(() => member.Logits(images)).MoveToOuterDisposeScope();
            var probabilities = clock.TimeNetwork(() => Tta.Average(images, x => member.Logits(x).softmax(dim: 1)));
            sum = sum is null ? probabilities : sum.add_(probabilities);
        }
        return sum!.div_(this.members.Count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Converts every member to bf16, or, if libtorch's bf16 kernels fail any member's check, none (members already
    /// converted are reloaded in fp32) and says so in the returned choice.
    /// </summary>
    private static PrecisionChoice ConvertToBf16(List<TrainedModel> members, PrecisionChoice asked)
    {
        for (int i = 0; i < members.Count; i++)
        {
            if (members[i].TryConvertToBf16() is not { } problem) continue;
            for (int j = 0; j < i; j++)
            {
                var fp32 = TrainedModel.Load(members[j].RunDirectory);
                members[j].Dispose();
                members[j] = fp32;
            }
            return new PrecisionChoice(ScalarType.Float32, $"{asked.Reason}; bf16 not used: {problem}");
        }
        var islands = members.SelectMany(m => m.Fp32Layers).Distinct().ToList();
        return islands.Count == 0 ? asked : asked with
        {
            Reason = $"{asked.Reason}; {islands.Count} layer(s) kept in fp32 where libtorch's bf16 kernels are wrong on this CPU: {string.Join("; ", islands)}",
        };
    }

    private static string Describe(LabelSet labels) => $"{labels.Count} classes ({string.Join(", ", labels.Classes.Select(c => c.Name))})";

    public void Dispose()
    {
        foreach (var m in this.members) m.Dispose();
    }
}

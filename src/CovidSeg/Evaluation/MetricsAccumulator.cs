using CovidSeg.Data;
using CovidSeg.Imaging;
using static TorchSharp.torch;
using CovidSeg.Labels;

namespace CovidSeg.Evaluation;

/// <summary>
/// Collects the evaluation of many images one at a time: each added prediction is reduced at once to its K x K pixel
/// counts and scores (a few numbers), so label maps need not be held; <see cref="ToReport"/> then averages them.
/// Image ids must be unique (they identify CSV rows).
/// </summary>
public sealed class MetricsAccumulator
{
    private readonly IReadOnlyList<string> classNames;
    private readonly List<ImageMetrics> images = [];
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);

    public MetricsAccumulator(LabelSet labels) : this(labels.Classes.Select(c => c.Name).ToList()) { }

    /// <summary><paramref name="classNames"/>[i] names class i; index 0 is background.</summary>
    public MetricsAccumulator(IReadOnlyList<string> classNames)
    {
        if (classNames.Count < 2) throw new ArgumentException("metrics need background and at least one lesion class");
        this.classNames = classNames.ToList();
    }

    public int ClassCount => this.classNames.Count;
    public int ImageCount => this.images.Count;
    public IReadOnlyList<ImageMetrics> Images => this.images;

    public ImageMetrics Add(string id, ConfusionMatrix confusion)
    {
        if (confusion.ClassCount != ClassCount)
            throw new InvalidInputException(id, $"has a {confusion.ClassCount}-class confusion matrix but the evaluation has {ClassCount} classes");
        if (!this.ids.Add(id)) throw new InvalidInputException(id, "this image id was already evaluated");
        var row = ImageMetrics.FromMatrix(id, confusion, this.classNames);
        this.images.Add(row);
        return row;
    }

    public ImageMetrics Add(string id, LabelMask truth, LabelMask predicted) =>
        Add(id, ConfusionMatrix.FromMasks(truth, predicted, ClassCount, id));

    public ImageMetrics Add(string id, ReadOnlySpan<byte> truth, ReadOnlySpan<byte> predicted) =>
        Add(id, ConfusionMatrix.FromLabels(truth, predicted, ClassCount, id));

    /// <summary>Adds one image given as integer label tensors of the same shape (counted by libtorch).</summary>
    public ImageMetrics Add(string id, Tensor truth, Tensor predicted) =>
        Add(id, ConfusionMatrix.FromTensors(truth, predicted, ClassCount, id));

    /// <summary>Adds a batch of label tensors [N, ...]; <paramref name="ids"/>[n] names item n.</summary>
    public IReadOnlyList<ImageMetrics> AddBatch(IReadOnlyList<string> ids, Tensor truth, Tensor predicted)
    {
        string source = ids.Count > 0 ? $"batch starting at {ids[0]}" : "empty batch";
        if (truth.dim() < 1 || truth.shape[0] != ids.Count)
            throw new InvalidInputException(source, $"{ids.Count} ids for a batch of shape [{string.Join(", ", truth.shape)}]");
        var matrices = ConfusionMatrix.FromTensorBatch(truth, predicted, ClassCount, source);
        return ids.Select((id, n) => Add(id, matrices[n])).ToList();
    }

    /// <summary>The report over every image added so far.</summary>
    public MetricsReport ToReport() => MetricsReport.Build(this.classNames, this.images);
}

using System.Text.Json.Serialization;
using CovidSeg.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Evaluation;

/// <summary>
/// Pixel counts of a segmentation against its ground truth: <c>Count(t, p)</c> is the number of pixels whose true
/// class is <c>t</c> and predicted class is <c>p</c> (rows = truth, columns = prediction). Every score in
/// <see cref="OverlapScores"/> is a function of these counts, and the counts of several images add up, which gives the
/// "global" (micro) scores. Serialised as a JSON array of rows.
/// </summary>
[JsonConverter(typeof(ConfusionMatrixJsonConverter))]
public sealed class ConfusionMatrix : IEquatable<ConfusionMatrix>
{
    private readonly long[] counts; // row-major, ClassCount x ClassCount

    public int ClassCount { get; }

    /// <summary>Takes row-major counts (truth rows, prediction columns); they are copied.</summary>
    public ConfusionMatrix(int classCount, ReadOnlySpan<long> rowMajorCounts)
    {
        if (classCount < 1) throw new ArgumentException($"class count must be positive, got {classCount}");
        if (rowMajorCounts.Length != classCount * classCount)
            throw new ArgumentException($"expected {classCount * classCount} counts for {classCount} classes, got {rowMajorCounts.Length}");
        foreach (long c in rowMajorCounts)
            if (c < 0) throw new ArgumentException($"counts must not be negative, got {c}");
        ClassCount = classCount;
        this.counts = rowMajorCounts.ToArray();
    }

    /// <summary>Pixels of true class <paramref name="trueClass"/> predicted as <paramref name="predictedClass"/>.</summary>
    public long Count(int trueClass, int predictedClass) => this.counts[trueClass * ClassCount + predictedClass];

    public long Total => this.counts.Sum();

    /// <summary>Pixels whose predicted class equals the true class (the diagonal).</summary>
    public long Correct
    {
        get
        {
            long sum = 0;
            for (int c = 0; c < ClassCount; c++) sum += Count(c, c);
            return sum;
        }
    }

    public long TruePositives(int c) => Count(c, c);

    /// <summary>Pixels predicted as <paramref name="c"/> whose true class is another (column sum minus diagonal).</summary>
    public long FalsePositives(int c)
    {
        long sum = 0;
        for (int t = 0; t < ClassCount; t++) if (t != c) sum += Count(t, c);
        return sum;
    }

    /// <summary>Pixels of true class <paramref name="c"/> predicted as another (row sum minus diagonal).</summary>
    public long FalseNegatives(int c)
    {
        long sum = 0;
        for (int p = 0; p < ClassCount; p++) if (p != c) sum += Count(c, p);
        return sum;
    }

    public long TrueNegatives(int c) => Total - TruePositives(c) - FalsePositives(c) - FalseNegatives(c);

    /// <summary>Correct pixels over all pixels; 1 for an empty matrix (nothing was got wrong).</summary>
    public double PixelAccuracy => Total == 0 ? 1.0 : (double)Correct / Total;

    /// <summary>The counts as rows (truth) of columns (prediction), e.g. for JSON.</summary>
    public long[][] ToRows()
    {
        var rows = new long[ClassCount][];
        for (int t = 0; t < ClassCount; t++) rows[t] = this.counts.AsSpan(t * ClassCount, ClassCount).ToArray();
        return rows;
    }

    /// <summary>Element-wise sum: the counts of all pixels of all the given images together.</summary>
    public static ConfusionMatrix Sum(int classCount, IEnumerable<ConfusionMatrix> matrices)
    {
        var sum = new long[classCount * classCount];
        foreach (var m in matrices)
        {
            if (m.ClassCount != classCount)
                throw new ArgumentException($"cannot add a {m.ClassCount}-class confusion matrix to {classCount}-class ones");
            for (int i = 0; i < sum.Length; i++) sum[i] += m.counts[i];
        }
        return new ConfusionMatrix(classCount, sum);
    }

    /// <summary>
    /// Counts two label arrays of the same layout. <paramref name="source"/> names the image in error messages.
    /// A label outside 0..classCount-1 in either array is an <see cref="InvalidInputException"/>.
    /// </summary>
    public static ConfusionMatrix FromLabels(ReadOnlySpan<byte> truth, ReadOnlySpan<byte> predicted, int classCount, string source)
    {
        if (classCount < 1 || classCount > 256) throw new ArgumentException($"class count must be 1..256, got {classCount}");
        if (truth.Length != predicted.Length)
            throw new InvalidInputException(source, $"prediction has {predicted.Length} pixels but the ground truth has {truth.Length}");
        var counts = new long[classCount * classCount];
        for (int i = 0; i < truth.Length; i++)
        {
            int t = truth[i], p = predicted[i];
            if (t >= classCount) throw OutOfRange(source, "ground truth", t, i, classCount);
            if (p >= classCount) throw OutOfRange(source, "prediction", p, i, classCount);
            counts[t * classCount + p]++;
        }
        return new ConfusionMatrix(classCount, counts);
    }

    /// <summary>Counts two masks of the same size; see <see cref="FromLabels"/>.</summary>
    public static ConfusionMatrix FromMasks(LabelMask truth, LabelMask predicted, int classCount, string source)
    {
        if (truth.Width != predicted.Width || truth.Height != predicted.Height)
            throw new InvalidInputException(source, $"prediction is {predicted.Width}x{predicted.Height} but the ground truth is {truth.Width}x{truth.Height}");
        return FromLabels(truth.Labels, predicted.Labels, classCount, source);
    }

    /// <summary>
    /// Counts two integer label tensors of the same shape (any number of dimensions, all pixels of one image) with
    /// libtorch: <c>bincount(truth * K + predicted)</c> is the flattened matrix. Fast on big maps.
    /// </summary>
    public static ConfusionMatrix FromTensors(Tensor truth, Tensor predicted, int classCount, string source)
    {
        CheckTensors(truth, predicted, classCount, source);
        using var scope = NewDisposeScope();
        var counts = BinCount(truth.flatten(), predicted.flatten(), classCount);
        return new ConfusionMatrix(classCount, counts);
    }

    /// <summary>
    /// Counts a batch: tensors of shape [N, ...] (e.g. [N, H, W] from an argmax), one matrix per item along
    /// dimension 0. Labels are checked once for the whole batch, then each item gets its own bincount, so only one
    /// item's int64 codes exist at a time (one bincount over offset codes of the whole batch was not faster on CPU).
    /// </summary>
    public static ConfusionMatrix[] FromTensorBatch(Tensor truth, Tensor predicted, int classCount, string source)
    {
        CheckTensors(truth, predicted, classCount, source);
        if (truth.dim() < 1) throw new InvalidInputException(source, "a batch needs a leading batch dimension");
        int n = (int)truth.shape[0];
        var result = new ConfusionMatrix[n];
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            result[i] = new ConfusionMatrix(classCount, BinCount(truth[i].flatten(), predicted[i].flatten(), classCount));
        }
        return result;
    }

    /// <summary>The K*K counts of two flat label tensors: bin t*K+p counts pixels of true class t predicted as p.</summary>
    private static long[] BinCount(Tensor truth, Tensor predicted, int classCount)
    {
        var codes = truth.to_type(ScalarType.Int64) * classCount + predicted.to_type(ScalarType.Int64);
        var bins = codes.bincount(null, (long)classCount * classCount);
        return bins.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
    }

    private static void CheckTensors(Tensor truth, Tensor predicted, int classCount, string source)
    {
        if (classCount < 1) throw new ArgumentException($"class count must be positive, got {classCount}");
        if (!truth.shape.SequenceEqual(predicted.shape))
            throw new InvalidInputException(source, $"prediction has shape [{string.Join(", ", predicted.shape)}] but the ground truth has [{string.Join(", ", truth.shape)}]");
        CheckLabels(truth, "ground truth", classCount, source);
        CheckLabels(predicted, "prediction", classCount, source);
    }

    private static void CheckLabels(Tensor labels, string what, int classCount, string source)
    {
        if (labels.is_floating_point() || labels.is_complex() || labels.dtype == ScalarType.Bool)
            throw new InvalidInputException(source, $"{what} must be an integer label tensor, got {labels.dtype}");
        if (labels.numel() == 0) return;
        using var scope = NewDisposeScope();
        var asLong = labels.to_type(ScalarType.Int64);
        long min = asLong.min().item<long>(), max = asLong.max().item<long>();
        if (min < 0 || max >= classCount)
        {
            long bad = min < 0 ? min : max;
            long at = asLong.flatten().eq(bad).nonzero()[0, 0].item<long>();
            throw OutOfRange(source, what, bad, at, classCount);
        }
    }

    private static InvalidInputException OutOfRange(string source, string what, long label, long flatIndex, int classCount) =>
        new(source, $"{what} label {label} at pixel index {flatIndex} is outside the classes 0..{classCount - 1}");

    public bool Equals(ConfusionMatrix? other) =>
        other is not null && other.ClassCount == ClassCount && other.counts.AsSpan().SequenceEqual(this.counts);

    public override bool Equals(object? obj) => Equals(obj as ConfusionMatrix);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ClassCount);
        foreach (long c in this.counts) hash.Add(c);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", ToRows().Select(r => "[" + string.Join(", ", r) + "]")) + "]";
}

using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Inference;

/// <summary>
/// Test-time augmentation, as nnU-Net does it (Isensee et al. 2021): the class probabilities of several exact
/// symmetries of the image (mirror images, and with <see cref="Dihedral"/> also the transposed ones, which with the
/// mirrors give the quarter turns) are each mapped back onto the original pixel grid and averaged. Symmetries are pixel
/// permutations, so nothing is interpolated; the networks are trained with quarter turns and mirrors, so every variant
/// is an image they have learnt from.
/// </summary>
public sealed class TestTimeAugmentation
{
    private readonly IReadOnlyList<(bool Transpose, long[] FlipAxes)> variants;

    private TestTimeAugmentation(string name, string description, IReadOnlyList<(bool, long[])> variants)
    {
        Name = name;
        Description = description;
        this.variants = variants;
    }

    private static readonly long[][] MirrorAxes = [[], [3], [2], [2, 3]];

    /// <summary>The image as it is: one pass.</summary>
    public static TestTimeAugmentation None { get; } = new("none", "none", [(false, [])]);

    /// <summary>The image, flipped left-right, top-bottom and both ways: 4 passes.</summary>
    public static TestTimeAugmentation Flips { get; } = new("flips", "4 mirror images averaged",
        MirrorAxes.Select(a => (false, a)).ToList());

    /// <summary>The 8 symmetries of the square (the 4 mirror images of the image and of its transpose): 8 passes.</summary>
    public static TestTimeAugmentation Dihedral { get; } = new("dihedral", "8 mirror images and quarter turns averaged",
        MirrorAxes.Select(a => (false, a)).Concat(MirrorAxes.Select(a => (true, a))).ToList());

    public static IReadOnlyList<TestTimeAugmentation> All { get; } = [None, Flips, Dihedral];

    /// <summary>"none", "flips" or "dihedral", as the command line and reports name it.</summary>
    public string Name { get; }

    /// <summary>For reports: what is averaged.</summary>
    public string Description { get; }

    /// <summary>Forward passes per image.</summary>
    public int Passes => this.variants.Count;

    public bool IsNone => Passes == 1;

    /// <summary>Parses none, flips or dihedral (any case); anything else is refused by name.</summary>
    public static TestTimeAugmentation Parse(string text) =>
        All.FirstOrDefault(t => t.Name == text.Trim().ToLowerInvariant())
        ?? throw new CovidSegException($"--tta: '{text}' is not one of {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>
    /// Mean over the variants of <paramref name="probabilities"/>(variant of the input), each mapped back: [N, C, H, W]
    /// for images [N, 1, H, W]. With <see cref="None"/> it is one call of <paramref name="probabilities"/>.
    /// </summary>
    public Tensor Average(Tensor images, Func<Tensor, Tensor> probabilities)
    {
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        foreach (var (transpose, axes) in this.variants)
        {
            using var step = NewDisposeScope();
            var input = transpose ? images.transpose(2, 3) : images;
            if (axes.Length > 0) input = input.flip(axes);
            var output = probabilities(input);
            if (axes.Length > 0) output = output.flip(axes);
            if (transpose) output = output.transpose(2, 3).contiguous();
            sum = sum is null ? output.MoveToOuterDisposeScope() : sum.add_(output);
        }
        return (this.variants.Count == 1 ? sum! : sum!.div_(this.variants.Count)).MoveToOuterDisposeScope();
    }

    public override string ToString() => Name;
}

using System.Globalization;
using System.Text.Json;
using CovidSeg.IO;
using static TorchSharp.torch;

namespace CovidSeg.PostProcessing;

/// <summary>
/// Per-class amounts added to the log of each class's probability before the most probable class is taken: a pixel
/// becomes class c where p_c * e^(offset_c) is the largest. All zero is the plain argmax. A positive offset makes a
/// class the network under-segments easier to choose (offset 0.69 labels ground-glass opacity where its probability is
/// at least half the leading class's). Chosen by cross-validation (<c>cv --decision-offsets</c>, which never looks at the
/// fold it scores), written as decision-offsets.json, and applied by <c>predict --decision-offsets FILE</c>.
/// </summary>
/// <param name="ClassNames">The label set the offsets belong to, in class order (background first).</param>
/// <param name="Offsets">One per class; the background's is 0.</param>
/// <param name="ChosenBy">How the offsets were found, for the reader of the file.</param>
/// <param name="TestTimeAugmentation">
/// The test-time augmentation of the predictions they were chosen on ("flips", "dihedral"), or null for none: averaged
/// probabilities are less extreme, so offsets belong with the augmentation they were chosen under.
/// </param>
public sealed record DecisionOffsets(IReadOnlyList<string> ClassNames, IReadOnlyList<double> Offsets, string ChosenBy = "", string? TestTimeAugmentation = null)
{
    public const string Format = "covidseg-decision-offsets/1";
    public const string FileName = "decision-offsets.json";

    /// <summary>All offsets zero: the plain most probable class.</summary>
    public static DecisionOffsets None(IReadOnlyList<string> classNames) => new(classNames, classNames.Select(_ => 0.0).ToList(), "none");

    public bool IsNone => Offsets.All(o => o == 0);

    /// <summary>Probabilities [C, H, W] weighted by e^offset, ready for <see cref="ClassArgmax"/>.</summary>
    public Tensor Weigh(Tensor probabilities)
    {
        if (probabilities.dim() != 3 || probabilities.shape[0] != Offsets.Count)
            throw new ArgumentException($"expected a [{Offsets.Count}, H, W] probability map, got [{string.Join(", ", probabilities.shape)}]");
        using var scope = NewDisposeScope();
        var weights = tensor(Offsets.Select(o => (float)Math.Exp(o)).ToArray()).view(Offsets.Count, 1, 1);
        return (probabilities * weights).MoveToOuterDisposeScope();
    }

    /// <summary>Refuses offsets that do not fit a label set of <paramref name="classNames"/> or are not finite.</summary>
    public DecisionOffsets Validate(IReadOnlyList<string> classNames, string source)
    {
        if (Offsets.Count != ClassNames.Count)
            throw new InvalidInputException(source, $"{Offsets.Count} offsets for {ClassNames.Count} classes");
        if (!ClassNames.SequenceEqual(classNames))
            throw new InvalidInputException(source, $"the offsets are for the classes {string.Join(", ", ClassNames)}, but the model predicts {string.Join(", ", classNames)}");
        if (Offsets.Any(o => !double.IsFinite(o) || Math.Abs(o) > 20))
            throw new InvalidInputException(source, "offsets must be finite numbers between -20 and 20");
        return this;
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonConvention.Serialize(this, Format));

    /// <summary>Reads a decision-offsets.json, with one clear error for anything else.</summary>
    public static DecisionOffsets Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "decision offsets file not found (cv --decision-offsets writes one)");
        try
        {
            var read = JsonConvention.Deserialize<DecisionOffsets>(File.ReadAllText(path), Format);
            if (read.ClassNames is null || read.Offsets is null) throw new JsonException("class_names and offsets are required");
            return read;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidInputException(path, $"not a readable decision-offsets file ({e.Message})");
        }
    }

    /// <summary>
    /// A warning when these offsets were chosen under another test-time augmentation than <paramref name="used"/>
    /// ("none", "flips", "dihedral"), else null.
    /// </summary>
    public string? AugmentationMismatch(string used)
    {
        string chosen = TestTimeAugmentation ?? "none";
        return chosen == used ? null
            : $"these decision offsets were chosen on predictions with test-time augmentation {chosen}, and this prediction uses {used}; pass --tta {chosen} to use them as chosen";
    }

    /// <summary>"0, 0.75, 0.25" style text, for tables and messages.</summary>
    public string Describe() => string.Join(", ", ClassNames.Zip(Offsets, (n, o) => string.Create(CultureInfo.InvariantCulture, $"{n} {o:+0.00;-0.00;0}")));
}

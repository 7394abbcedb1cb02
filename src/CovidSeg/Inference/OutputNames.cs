using System.Text.RegularExpressions;
using CovidSeg.Imaging;

namespace CovidSeg.Inference;

/// <summary>
/// The names <c>covidseg predict</c> writes for each input, checked before anything is written: two inputs that would
/// write the same file (3.jpg and 3.png, or a.png in two --input folders) are refused, naming both, rather than one
/// silently overwriting the other while the summary lists both as segmented. Names are compared ignoring case, since
/// the output folder may be on a case-insensitive file system.
/// </summary>
public static partial class OutputNames
{
    /// <summary>
    /// Throws <see cref="CovidSegException"/> when two inputs share an output stem, when (with overlays) one input's
    /// outputs would be named like another's overlay, or when <paramref name="outputDirectory"/> is one of the input
    /// folders (the masks would land beside the slices and be read as slices by the next run).
    /// </summary>
    public static void CheckUnique(IReadOnlyList<string> inputs, string outputDirectory, bool overlays)
    {
        string output = Normalise(outputDirectory);
        foreach (string input in inputs)
        {
            string folder = Directory.Exists(input) ? input : Path.GetDirectoryName(Path.GetFullPath(input)) ?? "";
            if (string.Equals(Normalise(folder), output, StringComparison.Ordinal))
                throw new CovidSegException($"--out {outputDirectory} is the folder of input {input}: the masks would be written beside the images and read as images by the next run; choose another --out");
        }

        var owner = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string input in inputs.Where(File.Exists))
        {
            string stem = InputStem.Of(input);
            if (owner.TryGetValue(stem, out string? first))
                throw new CovidSegException($"{first} and {input} would both write {stem}.* in {outputDirectory}: rename one, or predict them into different --out folders");
            owner[stem] = input;
        }
        if (!overlays) return;
        foreach (var (stem, input) in owner)
        {
            // "a_overlay" collides with the overlay of "a"; "v_z003_overlay" with an overlay slice of volume "v".
            const string suffix = "_overlay";
            if (!stem.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            string of = stem[..^suffix.Length];
            var slice = SliceSuffix().Match(of);
            foreach (string candidate in slice.Success ? [of, slice.Groups["volume"].Value] : new[] { of })
            {
                if (owner.TryGetValue(candidate, out string? other))
                    throw new CovidSegException($"{input} would write {stem}.*, the name of an overlay of {other} (--overlay): rename one, or predict them into different --out folders");
            }
        }
    }

    private static string Normalise(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    [GeneratedRegex(@"^(?<volume>.+)_z\d{3,}$", RegexOptions.IgnoreCase)]
    private static partial Regex SliceSuffix();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using CovidSeg.Data;
using CovidSeg.Inference;
using CovidSeg.Labels;

namespace CovidSeg.Cli.Viewer;

/// <summary>
/// What <c>covidseg predict</c> wrote in a results folder, as the viewer lists it: every NAME.json report (natural
/// order) and every failed input of summary.csv. Scans are read on first view and kept.
/// </summary>
public sealed class ResultsCatalog
{
    private readonly Lazy<ViewerScan>[] scans;

    private ResultsCatalog(string root, LabelSet labels, IReadOnlyList<ViewerEntry> entries)
    {
        Root = root;
        Labels = labels;
        Entries = entries;
        scans = entries.Select(e => new Lazy<ViewerScan>(() => ViewerScan.Load(e, labels))).ToArray();
    }

    /// <summary>The results folder, full path without a trailing separator.</summary>
    public string Root { get; }
    public LabelSet Labels { get; }
    public IReadOnlyList<ViewerEntry> Entries { get; }
    public bool HasTruth => Entries.Any(e => e.TruthPath is not null);

    /// <summary>The scan of entry <paramref name="id"/>, read on first use (a bad file raises <see cref="CovidSegException"/> every time).</summary>
    public ViewerScan Scan(int id) => scans[id].Value;

    public static ResultsCatalog Load(string resultsDirectory, string? truthDirectory = null)
    {
        if (!Directory.Exists(resultsDirectory)) throw new CovidSegException($"RESULTS_DIR {resultsDirectory}: folder not found");
        if (truthDirectory is not null && !Directory.Exists(truthDirectory)) throw new CovidSegException($"--gt {truthDirectory}: folder not found");
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(resultsDirectory));
        var entries = new List<ViewerEntry>();
        LabelSet? labels = null;
        foreach (string json in Directory.GetFiles(root, "*.json").OrderBy(f => Path.GetFileName(f), new NaturalStringComparer()))
        {
            if (ReadReport(json) is not { } report) continue;
            labels ??= LabelSetOf(report, json);
            string name = Path.GetFileNameWithoutExtension(json);
            string input = report["input"]!.GetValue<string>();
            string? mask = report["outputs"]!.AsArray().Select(o => o?.GetValue<string>()).FirstOrDefault(o => o is not null &&
                (o.Equals(name + ".png", StringComparison.Ordinal) || o.Equals(name + ".nii.gz", StringComparison.Ordinal)));
            string? truth = truthDirectory is null ? null : TruthFor(truthDirectory, name);
            entries.Add(new ViewerEntry(name, input, Resolve(input), "ok", null, report, mask is null ? null : Path.Combine(root, mask), truth));
        }
        entries.AddRange(FailedInputs(root));
        if (entries.Count == 0)
            throw new CovidSegException($"RESULTS_DIR {resultsDirectory} holds no predict report (NAME.json) or summary.csv: run `covidseg predict --out {resultsDirectory}` first");
        return new ResultsCatalog(root, labels ?? LabelSet.SemiSeg, entries);
    }

    /// <summary>The truth of output NAME: NAME.png, NAME.nii.gz or NAME.nii; an nnU-Net image NAME_0000 also matches the
    /// label NAME, as imagesTr/ and labelsTr/ name them.</summary>
    public static string? TruthFor(string truthDirectory, string name)
    {
        var stems = name.EndsWith("_0000", StringComparison.Ordinal) ? new[] { name, name[..^5] } : [name];
        return stems.SelectMany(stem => new[] { ".png", ".nii.gz", ".nii" }.Select(ext => Path.Combine(truthDirectory, stem + ext))).FirstOrDefault(File.Exists);
    }

    /// <summary>A predict report, or null for any other JSON file in the folder.</summary>
    private static JsonObject? ReadReport(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o["input"] is JsonValue && o["kind"] is JsonValue
                && o["classes"] is JsonArray && o["outputs"] is JsonArray ? o : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The known label set whose lesion classes the report names, in order; colours come from it.</summary>
    private static LabelSet LabelSetOf(JsonObject report, string path)
    {
        var names = report["classes"]!.AsArray().Select(c => c?["name"]?.GetValue<string>()).ToList();
        foreach (var set in new[] { LabelSet.SemiSeg, LabelSet.MedSeg })
            if (set.Lesions.Select(c => c.Name).SequenceEqual(names)) return set;
        throw new CovidSegException($"{path}: classes {string.Join(", ", names)} are not a known label set (semiseg or medseg)");
    }

    private static string? Resolve(string input) =>
        File.Exists(input) || Directory.Exists(input) ? Path.GetFullPath(input) : null;

    private static IEnumerable<ViewerEntry> FailedInputs(string root)
    {
        string summary = Path.Combine(root, PredictionReports.SummaryFile);
        if (!File.Exists(summary)) yield break;
        foreach (string line in File.ReadLines(summary).Skip(1))
        {
            var fields = CsvLine.Split(line);
            if (fields.Count < 3 || fields[1] != "failed") continue;
            yield return new ViewerEntry(Path.GetFileName(Path.TrimEndingDirectorySeparator(fields[0])), fields[0], null, "failed", fields[^1], null, null, null);
        }
    }
}

using System.CommandLine;
using CovidSeg.Data;
using CovidSeg.Phantom;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Cli;

/// <summary>Where the labelled slices come from: a data folder (--data, --layout, --labels) or the built-in phantom
/// (--phantom N).</summary>
public sealed class DataCommandOptions
{
    public Option<DirectoryInfo?> Data { get; } = new("--data") { Description = "labelled data folder (images/ + masks/, imagesTr/ + labelsTr/, or tr_im/tr_mask NIfTI stacks)" };
    public Option<string> Layout { get; } = new("--layout") { Description = "data layout: auto, folder, medseg or nifti", DefaultValueFactory = _ => "auto" };
    public Option<string?> Labels { get; } = new("--labels") { Description = "label set of a folder or nifti layout: semiseg (3 classes, default for folder) or medseg (4 classes)" };
    public Option<int> Phantom { get; } = new("--phantom") { Description = "instead of --data, train on N synthetic phantom slices (side = --side)", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Layout);
        command.Options.Add(Labels);
        command.Options.Add(Phantom);
    }

    /// <summary>
    /// The data of a run being resumed: --data or --phantom when given again (the trainer then checks its fingerprint
    /// against the run's), else the folder run.json records.
    /// </summary>
    public ISegmentationDataset OpenForResume(ParseResult parse, RunManifest run)
    {
        if (parse.GetValue(Data) is not null || parse.GetValue(Phantom) > 0)
            return Open(parse, run.Preprocessing.Side, unchecked((int)run.Training.Seed));
        string source = run.Data.Source;
        if (source.StartsWith("phantom(", StringComparison.Ordinal))
            throw new CovidSegException($"this run trained on {source}; pass --phantom with the same count to resume it");
        // A MedSeg run records its image file; the data set is the folder holding it.
        string folder = File.Exists(source) ? Path.GetDirectoryName(source)! : source;
        if (!Directory.Exists(folder))
            throw new CovidSegException($"the run's data folder {folder} no longer exists; pass --data with where it is now (it must be the same data)");
        string? labels = parse.GetValue(Labels);
        return DatasetOpener.Open(folder, ParseLayout(parse), labels is null ? run.Labels : DatasetOpener.LabelSetNamed(labels));
    }

    public ISegmentationDataset Open(ParseResult parse, int side, int seed)
    {
        var folder = parse.GetValue(Data);
        int phantom = parse.GetValue(Phantom);
        if (folder is not null && phantom > 0) throw new CovidSegException("give either --data or --phantom, not both");
        if (phantom > 0) return new PhantomDataset(phantom, seed, new PhantomOptions { Size = side });
        if (folder is null) throw new CovidSegException("no data: pass --data DIR (or --phantom N for synthetic slices)");
        string? labels = parse.GetValue(Labels);
        return DatasetOpener.Open(folder.FullName, ParseLayout(parse), labels is null ? null : DatasetOpener.LabelSetNamed(labels));
    }

    private DatasetLayout ParseLayout(ParseResult parse) => (parse.GetValue(Layout) ?? "auto").ToLowerInvariant() switch
    {
        "auto" => DatasetLayout.Auto,
        "folder" => DatasetLayout.Folder,
        "medseg" => DatasetLayout.MedSeg,
        "nifti" => DatasetLayout.Nifti,
        var other => throw new CovidSegException($"unknown layout '{other}': use auto, folder, medseg or nifti"),
    };
}

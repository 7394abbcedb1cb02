using System.CommandLine;
using CovidSeg.Data;
using CovidSeg.Data.Phantom;

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

    public ISegmentationDataset Open(ParseResult parse, int side, int seed)
    {
        var folder = parse.GetValue(Data);
        int phantom = parse.GetValue(Phantom);
        if (folder is not null && phantom > 0) throw new CovidSegException("give either --data or --phantom, not both");
        if (phantom > 0) return new PhantomDataset(phantom, seed, new PhantomOptions { Size = side });
        if (folder is null) throw new CovidSegException("no data: pass --data DIR (or --phantom N for synthetic slices)");
        var layout = (parse.GetValue(Layout) ?? "auto").ToLowerInvariant() switch
        {
            "auto" => DatasetLayout.Auto,
            "folder" => DatasetLayout.Folder,
            "medseg" => DatasetLayout.MedSeg,
            "nifti" => DatasetLayout.Nifti,
            var other => throw new CovidSegException($"unknown layout '{other}': use auto, folder, medseg or nifti"),
        };
        string? labels = parse.GetValue(Labels);
        return DatasetOpener.Open(folder.FullName, layout, labels is null ? null : DatasetOpener.LabelSetNamed(labels));
    }
}

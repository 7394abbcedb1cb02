using System.CommandLine;
using CovidSeg.Phantom;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;
using Spectre.Console;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg synth</c>: writes a synthetic chest-CT phantom data set in the images/ + masks/ layout, or a
/// phantom CT volume as NIfTI (and with <c>--format dicom</c> also as a DICOM CT series).</summary>
public static class SynthCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "folder to write into", Required = true };
        var count = new Option<int>("--count", "-n") { Description = "number of slices (or of volumes with --slices)", DefaultValueFactory = _ => 16 };
        var size = new Option<int>("--size") { Description = "side of each square slice in pixels", DefaultValueFactory = _ => 256 };
        var slices = new Option<int>("--slices") { Description = "write NIfTI volumes of this many axial slices (imagesTr/ + labelsTr/ + lungs/) instead of PNG slices", DefaultValueFactory = _ => 0 };
        var format = new Option<string>("--format") { Description = "with --slices: nifti, or dicom to also write each volume as a DICOM CT series in dicom/NAME/", DefaultValueFactory = _ => "nifti" };
        var seed = CommonOptions.Seed();
        var command = new Command("synth", "Write a seeded synthetic chest-CT phantom data set with exact masks (4 classes: background, GGO, consolidation, pleural effusion).");
        foreach (var o in new Option[] { output, count, size, slices, format, seed }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            string folder = parse.GetValue(output)!.FullName;
            int n = parse.GetValue(count), side = parse.GetValue(size), z = parse.GetValue(slices), s = parse.GetValue(seed);
            if (n < 1) throw new CovidSegException($"--count must be at least 1, got {n}");
            if (side < 32) throw new CovidSegException($"--size must be at least 32 pixels, got {side}");
            if (z < 0) throw new CovidSegException($"--slices must be 0 (PNG slices) or positive, got {z}");
            string kind = parse.GetValue(format) ?? "nifti";
            if (kind is not ("nifti" or "dicom")) throw new CovidSegException($"--format must be nifti or dicom, got {kind}");
            if (kind == "dicom" && z == 0) throw new CovidSegException("--format dicom needs --slices: only volumes are written as DICOM series");
            Directory.CreateDirectory(folder);
            if (z > 0)
            {
                for (int v = 0; v < n; v++)
                {
                    var volume = ChestPhantom.GenerateVolume(side, side, z, ChestPhantom.DeriveSeed(s, v));
                    string path = PhantomExport.WriteVolume(folder, $"phantom_{v:D3}", volume);
                    AnsiConsole.MarkupLine(Markup.Escape($"wrote {path} ({side}x{side}x{z}, {volume.SpacingMm.X:F2}x{volume.SpacingMm.Y:F2}x{volume.SpacingMm.Z:F2} mm)"));
                    if (kind == "dicom")
                    {
                        string name = $"phantom_{v:D3}";
                        string series = Path.Combine(folder, "dicom", name);
                        var identity = CtSeriesIdentity.NewFor("Phantom^CovidSeg", name, "CovidSeg phantom chest CT");
                        var files = CtSeriesWriter.Write(series, NiftiReader.Read(path), identity);
                        AnsiConsole.MarkupLine(Markup.Escape($"wrote {series} ({files.Count} CT slices, series {identity.SeriesInstanceUid})"));
                    }
                }
                return CommandRunner.Success;
            }
            var data = new PhantomDataset(n, s, new PhantomOptions { Size = side });
            PhantomExport.WriteSlices(folder, data);
            var counts = new long[data.Labels.Count];
            for (int i = 0; i < data.Count; i++)
            {
                var c = data.Load(i).Mask.CountPerClass(data.Labels.Count);
                for (int k = 0; k < counts.Length; k++) counts[k] += c[k];
            }
            var table = new Table().AddColumn("class").AddColumn(new TableColumn("pixels").RightAligned());
            foreach (var cls in data.Labels.Classes) table.AddPlainRow(cls.Name, counts[cls.Index].ToString("N0"));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape($"wrote {n} image/mask pairs of {side}x{side} to {folder} (images/, masks/, labels.json)"));
            return CommandRunner.Success;
        });
        return command;
    }
}

using CovidSeg.Cli;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// The phantom CT series of <c>covidseg synth --format dicom</c>: valid CT images for dciodvfy, read by pydicom to the
/// same Hounsfield units and positions, and read back by CovidSeg onto the NIfTI volume's grid.
/// </summary>
public class CtSeriesWriterTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static NiftiVolume Volume()
    {
        var data = Enumerable.Range(0, 5 * 4 * 3).Select(i => (float)(i * 37 % 1500 - 1000)).ToArray();
        var volume = NiftiVolume.Create(5, 4, 3, data, 0.75, 0.5, 2.5);
        volume.Header.SRowX[3] = 12.5f; // RAS origin (12.5, -7, 30) = LPS (-12.5, 7, 30)
        volume.Header.SRowY[3] = -7f;
        volume.Header.SRowZ[3] = 30f;
        return volume;
    }

    [Fact]
    public void ReadsBackOnTheSameGrid()
    {
        var volume = Volume();
        CtSeriesWriter.Write(temp.File("ct"), volume, CtSeriesIdentity.NewFor("P^Q", "P1", "test"));
        var read = DicomSeriesLoader.Load(temp.File("ct")).ToVolume();
        Assert.Equal(volume.Data, read.Data);
        var a = volume.Affine();
        var b = read.Affine();
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(a[r, c], b[r, c], 5);
    }

    [DciodvfyFact]
    public void DciodvfyAcceptsTheCtImagesAndPydicomReadsTheirValues()
    {
        var volume = Volume();
        var files = CtSeriesWriter.Write(temp.File("ct"), volume, CtSeriesIdentity.NewFor("P^Q", "P1", "test"));
        SegmentationWriterTests.AssertDciodvfyAccepts(files[2], iod: "CTImage");
        string values = ExternalTools.RunPython(
            "import sys, pydicom; d = pydicom.dcmread(sys.argv[1]); print([float(v) for v in d.ImagePositionPatient], (d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept)).ravel().tolist())",
            files[2]);
        // Slice 2 lies 2 x 2.5 mm above the origin; its values are those of z = 2 in the volume.
        string expected = "[-12.5, 7.0, 35.0] [" + string.Join(", ", volume.CopySlice(2).Select(v => ((double)v).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        Assert.Equal(expected, values.Trim());
    }

    [Fact]
    public void SynthFormatDicomWritesASeriesBesideTheNiftiVolume()
    {
        var root = new System.CommandLine.RootCommand("test");
        root.Subcommands.Add(CovidSeg.Cli.Commands.SynthCommand.Create());
        string output = temp.File("synth");
        Assert.Equal(CommandRunner.Success, CommandRunner.Invoke(root, ["synth", "--out", output, "--count", "1", "--slices", "4", "--size", "48", "--format", "dicom"]));
        var nifti = NiftiReader.Read(Path.Combine(output, "imagesTr", "phantom_000_0000.nii.gz"));
        var series = DicomSeriesLoader.Load(Path.Combine(output, "dicom", "phantom_000"));
        Assert.Equal(4, series.Slices.Count);
        Assert.Equal(nifti.Data, series.ToVolume().Data);
        Assert.Equal(CommandRunner.Failure, CommandRunner.Invoke(root, ["synth", "--out", output, "--format", "dicom"])); // needs --slices
    }
}

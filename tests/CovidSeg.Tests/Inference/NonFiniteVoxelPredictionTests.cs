using CovidSeg.Phantom;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;

namespace CovidSeg.Tests.Inference;

/// <summary>NaN and infinite CT voxels are read as air, counted and reported; a volume with nothing else is refused.</summary>
public class NonFiniteVoxelPredictionTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    private const int Nx = 48, Ny = 40, Nz = 2;

    private static string WriteVolume(string path, Action<float[]> edit)
    {
        var phantom = ChestPhantom.GenerateVolume(Nx, Ny, Nz, seed: 9);
        float[] data = (float[])phantom.Hounsfield.Clone();
        edit(data);
        NiftiWriter.Write(path, new NiftiVolume(NiftiHeader.Create(Nx, Ny, Nz), data), NiftiDataType.Float32);
        return path;
    }

    /// <summary>A 10 x 10 patch of slice 0, where the phantom's right lung is.</summary>
    private static void Patch(float[] data, float value)
    {
        for (int y = 15; y < 25; y++)
            for (int x = 10; x < 20; x++) data[y * Nx + x] = value;
    }

    [Fact]
    public void ANaNPatchGivesTheSameLabelsAsAirThereAndTheReportCountsIt()
    {
        using var folder = new TempFolder();
        string air = WriteVolume(folder.File("air.nii"), d => Patch(d, NonFiniteVoxels.AirHounsfield));
        string nan = WriteVolume(folder.File("nan.nii"), d => { Patch(d, float.NaN); d[0] = float.PositiveInfinity; d[1] = float.NegativeInfinity; });
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcomes = new Predictor(ensemble, new PredictionOptions(folder.File("out"))).PredictAll([air, nan]);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error));

        // The two inputs differ only in voxels 0 and 1 (air's are phantom air, about -1000 HU, not exactly -1024), so compare the network's labels.
        var fromAir = NiftiReader.Read(Path.Combine(folder.File("out"), "air.nii.gz")).Data;
        var fromNan = NiftiReader.Read(Path.Combine(folder.File("out"), "nan.nii.gz")).Data;
        Assert.Equal(fromAir.Length, fromNan.Length);
        Assert.True(fromAir.Zip(fromNan).Count(p => p.First != p.Second) <= 2);
        Assert.Equal("102 of 3840 voxels were NaN or infinite and were read as air (-1024 HU)", Assert.Single(outcomes[1].Report!.Notes, n => n.Contains("NaN")));
        Assert.DoesNotContain(outcomes[0].Report!.Notes, n => n.Contains("NaN"));
        Assert.Contains("Note: 102 of 3840 voxels were NaN or infinite and were read as air (-1024 HU).", File.ReadAllText(Path.Combine(folder.File("out"), "nan.md")));
    }

    [Fact]
    public void AnAllNaNVolumeFailsAndIsNotReportedOk()
    {
        using var folder = new TempFolder();
        string path = WriteVolume(folder.File("blank.nii"), d => Array.Fill(d, float.NaN));
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcome = new Predictor(ensemble, new PredictionOptions(folder.File("out"))).PredictAll([path]).Single();
        Assert.Equal($"{path}: all 3840 voxels are NaN or infinite: there is no image to segment", outcome.Error);
        Assert.False(File.Exists(Path.Combine(folder.File("out"), "blank.nii.gz")));
        Assert.Contains(",failed,", File.ReadAllLines(Path.Combine(folder.File("out"), PredictionReports.SummaryFile))[1]);
    }

    [Fact]
    public void ZeroSlopeMeansNoScalingAndTheReportSaysSo()
    {
        using var folder = new TempFolder();
        string path = WriteVolume(folder.File("zero.nii"), _ => { });
        // scl_slope (offset 112) 0 and scl_inter (116) 5000: the intercept must be ignored too.
        byte[] bytes = File.ReadAllBytes(path);
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(112), 0f);
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(116), 5000f);
        File.WriteAllBytes(path, bytes);
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcome = new Predictor(ensemble, new PredictionOptions(folder.File("out"))).PredictAll([path]).Single();
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Contains("scl_slope is 0, which NIfTI-1 defines as no scaling: stored values were used as Hounsfield units", outcome.Report!.Notes);
        var phantom = ChestPhantom.GenerateVolume(Nx, Ny, Nz, seed: 9);
        Assert.Equal(phantom.Hounsfield, NiftiReader.Read(path).Data);
    }
}

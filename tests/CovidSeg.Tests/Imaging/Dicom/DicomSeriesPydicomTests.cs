using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// Series written by pydicom (an independent writer, write_series.py) read back voxel for voxel: Hounsfield units
/// from slope and intercept, slices in spatial order whatever the file names and Instance Numbers, and the
/// geometry (patient affine and the NIfTI sform/qform made from it).
/// </summary>
public class DicomSeriesPydicomTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private PydicomSeries Spec(int[] stored, int rows = 3, int columns = 4) =>
        new() { Out = temp.File("series"), Stored = stored, Rows = rows, Columns = columns };

    /// <summary>Reads the folder and checks every voxel: HU = slope x stored + intercept, voxel (x, y, z) = column x, row y of the z-th slice along the normal.</summary>
    private static DicomSeries AssertReadsExactly(PydicomSeries spec)
    {
        var series = DicomSeriesLoader.Load(spec.Write());
        Assert.Equal(spec.Slices, series.Slices.Count);
        // The files really are in the encoding asked for.
        var syntax = spec.Rle ? DicomTransferSyntax.RleLossless : spec.Implicit ? DicomTransferSyntax.ImplicitVrLittleEndian : DicomTransferSyntax.ExplicitVrLittleEndian;
        Assert.All(series.Slices, s => Assert.Equal(syntax, s.File.Syntax));
        Assert.All(series.Slices, s => Assert.Equal(spec.Photometric, s.Format.Photometric));
        var volume = series.ToVolume();
        Assert.Equal((spec.Columns, spec.Rows, spec.Slices), (volume.Nx, volume.Ny, volume.Nz));
        for (int i = 0; i < spec.Stored.Length; i++)
            Assert.True(volume.Data[i] == (float)(spec.Slope * spec.Stored[i] + spec.Intercept),
                $"voxel {i}: read {volume.Data[i]}, expected {spec.Slope * spec.Stored[i] + spec.Intercept}");
        return series;
    }

    [PydicomFact]
    public void ExplicitVrSignedWithSlopeTwoAndInterceptMinus1024()
    {
        var spec = Spec(PydicomSeries.Ramp(3, 4, 5, 500, -250)) with { Slope = 2, Intercept = -1024 };
        var series = AssertReadsExactly(spec);
        var a = series.PatientAffine();
        // Columns: 0.7 mm along +x, rows: 0.8 mm along +y, slices: 2.5 mm along +z, first voxel at the origin.
        double[,] expected = { { 0.7, 0, 0, -10 }, { 0, 0.8, 0, 20 }, { 0, 0, 2.5, 30 }, { 0, 0, 0, 1 } };
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(expected[r, c], a[r, c], 9);
    }

    [PydicomFact]
    public void ImplicitVrUnsignedTwelveBitsReversedNamesWithoutExtension()
    {
        var spec = Spec(PydicomSeries.Ramp(3, 4, 4, 4096, 0)) with
        {
            Implicit = true, Signed = false, BitsStored = 12, Intercept = -1024, Order = "reversed", Extension = "",
        };
        var series = AssertReadsExactly(spec);
        // write_series.py names slice z "img{N-1-z}": the first slice in space is the last file name.
        Assert.Equal("img003", Path.GetFileName(series.Slices[0].Path));
    }

    [PydicomFact]
    public void ShuffledNamesInNestedFolders()
    {
        var spec = Spec(PydicomSeries.Ramp(3, 4, 6, 700, -300)) with { Order = "shuffled", Subfolders = true, Intercept = -1000 };
        AssertReadsExactly(spec);
    }

    [PydicomFact]
    public void ObliqueOrientationKeepsItsGeometry()
    {
        // Rows along (0.8, 0.6, 0), columns along -z: normal = rows x columns = (-0.6, 0.8, 0).
        var spec = Spec(PydicomSeries.Ramp(3, 4, 4, 900, -450)) with
        {
            RowDirection = [0.8, 0.6, 0], ColumnDirection = [0, 0, -1], Order = "shuffled", Gap = 1.25,
        };
        var series = AssertReadsExactly(spec);
        var a = series.PatientAffine();
        double[,] expected =
        {
            { 0.8 * 0.7, 0, -0.6 * 1.25, -10 },
            { 0.6 * 0.7, 0, 0.8 * 1.25, 20 },
            { 0, -0.8, 0, 30 },
            { 0, 0, 0, 1 },
        };
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(expected[r, c], a[r, c], 9);

        // The NIfTI volume says the same in RAS (x and y negated), by sform and by qform alike.
        var volume = series.ToVolume();
        var sform = volume.Affine();
        var qform = NiftiVolume.QformAffine(volume.Header);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
            {
                double ras = r < 2 ? -expected[r, c] : expected[r, c];
                Assert.Equal(ras, sform[r, c], 5);
                Assert.Equal(ras, qform[r, c], 5);
            }
    }

    [PydicomFact]
    public void MonochromeOneEightBitUnsignedIsNotInverted()
    {
        // MONOCHROME1 only tells a viewer to show low values white; Hounsfield units come from the rescale alone.
        var spec = Spec(PydicomSeries.Ramp(3, 4, 3, 256, 0)) with
        {
            Photometric = "MONOCHROME1", BitsAllocated = 8, BitsStored = 8, Signed = false, Slope = 4, Intercept = -1024,
        };
        AssertReadsExactly(spec);
    }

    [PydicomFact]
    public void SignedEightBit()
    {
        var spec = Spec(PydicomSeries.Ramp(3, 4, 3, 200, -100)) with { BitsAllocated = 8, BitsStored = 8, Signed = true, Implicit = true };
        AssertReadsExactly(spec);
    }

    [PydicomFact]
    public void RleLosslessSignedSixteenBit()
    {
        // Long runs (a constant block) and literal runs (the ramp) both occur.
        var stored = PydicomSeries.Ramp(8, 9, 3, 3000, -1500);
        for (int i = 0; i < 40; i++) stored[i] = -1024;
        var spec = Spec(stored, rows: 8, columns: 9) with { Rle = true, Order = "reversed" };
        AssertReadsExactly(spec);
    }

    [PydicomFact]
    public void RleLosslessUnsignedEightBit()
    {
        var spec = Spec(PydicomSeries.Ramp(5, 6, 2, 256, 0)) with { Rle = true, BitsAllocated = 8, BitsStored = 8, Signed = false, Intercept = -1024 };
        AssertReadsExactly(spec);
    }

    [PydicomFact]
    public void EnhancedMultiFrameFileWithShuffledFrames()
    {
        var spec = Spec(PydicomSeries.Ramp(3, 4, 5, 600, -300)) with
        {
            MultiFrame = true, Order = "shuffled", Slope = 2, Intercept = -1024, RowDirection = [0.8, 0.6, 0], ColumnDirection = [0, 0, -1],
        };
        var series = AssertReadsExactly(spec);
        Assert.Single(series.Slices.Select(s => s.Path).Distinct());
        Assert.Equal(2.5, series.SliceSpacing, 9);
    }

    [PydicomFact]
    public void EnhancedMultiFrameRle()
    {
        var spec = Spec(PydicomSeries.Ramp(6, 5, 4, 2000, -1000), rows: 6, columns: 5) with { MultiFrame = true, Rle = true, Order = "reversed", Intercept = -1024 };
        var series = AssertReadsExactly(spec);
        Assert.Equal([3, 2, 1, 0], series.Slices.Select(s => s.Frame));
    }

    [PydicomFact]
    public void ASingleFileIsAOneSliceVolume()
    {
        var spec = Spec(PydicomSeries.Ramp(3, 4, 1, 100, 0)) with { Intercept = -1024 };
        spec.Write();
        var series = DicomSeriesLoader.Load(Path.Combine(spec.Out, "img000.dcm"));
        var volume = series.ToVolume();
        Assert.Equal((4, 3, 1), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal(2.5, series.SliceSpacing); // Slice Thickness, as there is no second position
        Assert.Equal(-1024f + 7 * 3 + 13 * 2, volume[3, 2, 0]);
    }
}

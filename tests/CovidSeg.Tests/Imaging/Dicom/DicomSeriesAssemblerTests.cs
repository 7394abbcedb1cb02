using CovidSeg.Imaging.Dicom;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// Series that would put voxels in the wrong place are refused in one line naming the files; the slice order comes
/// from the positions along the normal, never from the file names.
/// </summary>
public class DicomSeriesAssemblerTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private InvalidInputException Refused(string? series = null)
    {
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesLoader.Load(temp.Path, series));
        Assert.Equal(temp.Path, e.InputPath);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void SortsAlongTheNormalAndTakesTheSpacingFromPositions()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a", z: 7.5);
        HandBuiltDicom.WriteSlice(temp.Path, "b", z: 2.5);
        HandBuiltDicom.WriteSlice(temp.Path, "c", z: 5);
        var series = DicomSeriesLoader.Load(temp.Path);
        Assert.Equal(["b", "c", "a"], series.Slices.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal(2.5, series.SliceSpacing, 12);
        var volume = series.ToVolume();
        Assert.Equal((3, 2, 3), (volume.Nx, volume.Ny, volume.Nz));
        Assert.Equal([0.5f, 0.5f, 2.5f], volume.Header.PixDim[1..4]);
    }

    [Fact]
    public void FeetFirstNormalReversesTheFileOrder()
    {
        // Rows along +x, columns along -y: the normal is -z, so the slice at the highest z comes first.
        double[] orientation = [1, 0, 0, 0, -1, 0];
        HandBuiltDicom.WriteSlice(temp.Path, "1", z: 0, orientation);
        HandBuiltDicom.WriteSlice(temp.Path, "2", z: 3, orientation);
        var series = DicomSeriesLoader.Load(temp.Path);
        Assert.Equal(["2", "1"], series.Slices.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal(3, series.SliceSpacing, 12);
    }

    [Fact]
    public void DuplicatePositions()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a.dcm", z: 0);
        HandBuiltDicom.WriteSlice(temp.Path, "b.dcm", z: 2);
        HandBuiltDicom.WriteSlice(temp.Path, "c.dcm", z: 2);
        Assert.Equal("duplicate slice positions: b.dcm and c.dcm are both at 2 mm along the slice normal", Refused().Problem);
    }

    [Fact]
    public void UnevenGapsFromAMissingSlice()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a.dcm", z: 0);
        HandBuiltDicom.WriteSlice(temp.Path, "b.dcm", z: 2);
        HandBuiltDicom.WriteSlice(temp.Path, "c.dcm", z: 4);
        HandBuiltDicom.WriteSlice(temp.Path, "e.dcm", z: 8);
        Assert.Equal("uneven slice gaps: 4 mm between c.dcm and e.dcm, while the median gap is 2 mm (a missing or extra slice?)", Refused().Problem);
    }

    [Fact]
    public void MixedOrientations()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a.dcm", z: 0);
        HandBuiltDicom.WriteSlice(temp.Path, "b.dcm", z: 2, orientation: [1, 0, 0, 0, 0.8, 0.6]);
        Assert.Equal("mixed orientations: a.dcm has rows (1, 0, 0) and columns (0, 1, 0), b.dcm has (1, 0, 0) and (0, 0.8, 0.6)", Refused().Problem);
    }

    [Fact]
    public void MixedSizes()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a.dcm", z: 0);
        HandBuiltDicom.WriteSlice(temp.Path, "b.dcm", z: 2, rows: 4, columns: 4);
        Assert.Equal("mixed image sizes: a.dcm is 3x2, b.dcm is 4x4", Refused().Problem);
    }

    [Fact]
    public void PositionsOffTheNormal()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a.dcm", z: 0);
        HandBuiltDicom.WriteSlice(temp.Path, "b.dcm", z: 2, x: 1);
        Assert.Equal("slice positions do not lie along the slice normal: b.dcm is 1 mm off it (gantry tilt or a sheared stack is not supported)", Refused().Problem);
    }

    [Fact]
    public void SeveralSeriesAreListedAndOneIsChosenByUid()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "a.dcm", z: 0, series: "1.2.3.1");
        HandBuiltDicom.WriteSlice(temp.Path, "b.dcm", z: 0, series: "1.2.3.2");
        HandBuiltDicom.WriteSlice(temp.Path, "c.dcm", z: 2, series: "1.2.3.2");
        Assert.Equal("2 series here; choose one with --series UID: 1.2.3.1 (CT, \"lungs\", 1 slice); 1.2.3.2 (CT, \"lungs\", 2 slices)", Refused().Problem);
        Assert.Equal(2, DicomSeriesLoader.Load(temp.Path, "1.2.3.2").Slices.Count);
        Assert.StartsWith("no series 9.9 here; found 1.2.3.1", Refused("9.9").Problem);
    }

    [Fact]
    public void TheOnlyCtSeriesIsTakenBesideOthers()
    {
        HandBuiltDicom.WriteSlice(temp.Path, "ct.dcm", z: 0, series: "1.2.3.1");
        HandBuiltDicom.WriteSlice(temp.Path, "mr.dcm", z: 0, series: "1.2.3.2", modality: "MR");
        Assert.Equal("1.2.3.1", DicomSeriesLoader.Load(temp.Path).SeriesInstanceUid);
        Assert.Equal("series 1.2.3.2 has modality \"MR\"; only CT (values in Hounsfield units) is segmented", Refused("1.2.3.2").Problem);
    }

    [Fact]
    public void AFolderWithoutDicomFiles()
    {
        File.WriteAllText(temp.File("notes.txt"), "no images");
        Assert.Equal("no DICOM Part 10 file in this folder or below it", Refused().Problem);
    }
}

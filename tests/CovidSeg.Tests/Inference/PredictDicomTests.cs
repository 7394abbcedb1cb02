using System.Text.Json;
using CovidSeg.Phantom;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;
using CovidSeg.Tests.Imaging.Dicom;

namespace CovidSeg.Tests.Inference;

/// <summary>
/// <c>predict</c> on a DICOM CT series: the same labels and quantification as the same volume given as NIfTI, a
/// label volume on the same grid, and a DICOM Segmentation that dciodvfy accepts and pydicom reads back to those labels.
/// </summary>
public class PredictDicomTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>A 48 x 40 x 5 phantom as chest.nii.gz and as the CT series ct/ on the same grid; returns both paths.</summary>
    private (string Nifti, string Dicom) Inputs()
    {
        var phantom = ChestPhantom.GenerateVolume(48, 40, 5, seed: 9);
        var header = NiftiHeader.Create(48, 40, 5, phantom.SpacingMm.X, phantom.SpacingMm.Y, phantom.SpacingMm.Z);
        header.QOffsetX = -12.5f;
        header.SRowX[3] = -12.5f;
        string nifti = folder.File("chest.nii.gz");
        NiftiWriter.Write(nifti, new NiftiVolume(header, phantom.Hounsfield), NiftiDataType.Int16);
        string dicom = folder.File("ct");
        CtSeriesWriter.Write(dicom, NiftiReader.Read(nifti), CtSeriesIdentity.NewFor("Phantom^Test", "P9", "phantom"));
        return (nifti, dicom);
    }

    private IReadOnlyList<PredictionOutcome> PredictBoth(string nifti, string dicom)
    {
        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        var outcomes = new Predictor(ensemble, new PredictionOptions(folder.File("out"), BatchSize: 2)).PredictAll([nifti, dicom]);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error));
        return outcomes;
    }

    [Fact]
    public void DicomSeriesGivesTheSameLabelsAndQuantificationAsNifti()
    {
        var (nifti, dicom) = Inputs();
        var outcomes = PredictBoth(nifti, dicom);
        var fromNifti = NiftiReader.Read(folder.File("out/chest.nii.gz"));
        var fromDicom = NiftiReader.Read(folder.File("out/ct.nii.gz"));
        Assert.Equal(fromNifti.Data, fromDicom.Data);
        var a = fromNifti.Affine();
        var b = fromDicom.Affine();
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(a[r, c], b[r, c], 4);

        var (n, d) = (outcomes[0].Report!, outcomes[1].Report!);
        Assert.Equal(n.Classes.Select(c => (c.Pixels, c.VolumeMl, c.PercentOfLung)), d.Classes.Select(c => (c.Pixels, c.VolumeMl, c.PercentOfLung)));
        Assert.Equal((n.LungPixels, n.LungSize, n.PercentOpacity), (d.LungPixels, d.LungSize, d.PercentOpacity));
        bool lesions = fromDicom.Data.Any(v => v > 0);
        Assert.Equal(lesions, d.Outputs!.Contains("ct_seg.dcm"));
        Assert.Equal(lesions, File.Exists(folder.File("out/ct_seg.dcm")));
    }

    [DciodvfyFact]
    public void ItsSegmentationPassesDciodvfyAndReadsBackAsTheNiftiLabels()
    {
        var (nifti, dicom) = Inputs();
        PredictBoth(nifti, dicom);
        var labels = NiftiReader.Read(folder.File("out/ct.nii.gz")).Data.Select(v => (int)v).ToArray();
        Assert.True(labels.Any(v => v > 0), "the fixture's network found no lesion in the phantom, so there is no segmentation to check");
        string seg = folder.File("out/ct_seg.dcm");

        SegmentationWriterTests.AssertDciodvfyAccepts(seg);

        var readBack = SegReadBack.Read(seg, dicom);
        Assert.Equal(labels, readBack.Labels);
        Assert.Equal(labels.Distinct().Count(v => v > 0), readBack.SegmentCount);
    }
}

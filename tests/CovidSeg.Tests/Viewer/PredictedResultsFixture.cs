using CovidSeg.Cli.Viewer;
using CovidSeg.Phantom;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Inference;
using CovidSeg.Tests.Inference;

namespace CovidSeg.Tests.Viewer;

/// <summary>
/// predict's outputs for a phantom volume (48 x 40 x 5, NIfTI), a phantom slice (PNG) and a broken file, with the
/// phantoms' true labels as --gt, served by a real <see cref="ViewerServer"/> on loopback.
/// </summary>
public sealed class PredictedResultsFixture : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly TrainedRunFixture run = new();

    public PredictedResultsFixture()
    {
        string inputs = folder.File("in");
        Truth = folder.File("gt");
        Results = folder.File("results");
        Directory.CreateDirectory(inputs);
        Directory.CreateDirectory(Truth);

        var volume = ChestPhantom.GenerateVolume(48, 40, 5, seed: 9);
        var header = NiftiHeader.Create(48, 40, 5, volume.SpacingMm.X, volume.SpacingMm.Y, volume.SpacingMm.Z);
        NiftiWriter.Write(Path.Combine(inputs, "chest.nii.gz"), new NiftiVolume(header, volume.Hounsfield), NiftiDataType.Int16);
        NiftiWriter.WriteLabelsLike(Path.Combine(Truth, "chest.nii.gz"), header, volume.Labels);

        var slice = ChestPhantom.GenerateSlice(41, new PhantomOptions { Size = 48 });
        ImageFile.WriteGrey8(Path.Combine(inputs, "slice.png"), slice.Image);
        ImageFile.WriteLabels(Path.Combine(Truth, "slice.png"), slice.Labels);
        File.WriteAllText(Path.Combine(inputs, "zbroken.png"), "not a png");

        using var ensemble = Ensemble.Load([run.RunDirectory], TestTimeAugmentation.None);
        new Predictor(ensemble, new PredictionOptions(Results, BatchSize: 2)).PredictAll([inputs]);
        Catalog = ResultsCatalog.Load(Results, Truth);
        Server = ViewerServer.StartAsync(Catalog).GetAwaiter().GetResult();
        Client = new HttpClient { BaseAddress = Server.Address };
    }

    public string Results { get; }
    public string Truth { get; }
    public string Inputs => folder.File("in");
    public ResultsCatalog Catalog { get; }
    public ViewerServer Server { get; }
    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        run.Dispose();
        folder.Dispose();
    }
}

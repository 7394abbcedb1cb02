using CovidSeg.Cli;
using CovidSeg.Phantom;

namespace CovidSeg.Tests.Cli;

/// <summary>Options and data that cannot train end with one line and exit code 1, before anything is written.</summary>
public sealed class TrainCommandErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _data;
    private readonly string _onePair;

    public TrainCommandErrorTests()
    {
        _data = _folder.File("data");
        PhantomExport.WriteSlices(_data, new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32 }));
        _onePair = _folder.File("one");
        PhantomExport.WriteSlices(_onePair, new PhantomDataset(1, seed: 2, new PhantomOptions { Size = 32 }));
        File.WriteAllText(_folder.File("afile"), "x");
    }

    public void Dispose() => _folder.Dispose();

    private (int Code, string Error) Train(string data, params string[] more) =>
        CliRun.Invoke(["train", "--data", data, "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "1", "--aug", "none", "--threads", "2", .. more]);

    [Fact]
    public void OutThatIsAFile()
    {
        Assert.Equal((CommandRunner.Failure, $"error: --out {_folder.File("afile")} is a file, expected a folder"), Train(_data, "--out", _folder.File("afile")));
    }

    [Fact]
    public void OutBelowAFile()
    {
        Assert.Equal((CommandRunner.Failure, $"error: --out {_folder.File("afile/run")} cannot be created: {_folder.File("afile")} is a file, not a folder"),
            Train(_data, "--out", _folder.File("afile/run")));
    }

    [Theory]
    [InlineData("nan", "NaN")]
    [InlineData("1", "1")]
    [InlineData("-0.5", "-0.5")]
    public void ValidationFractionOutsideZeroToOne(string given, string shown)
    {
        Assert.Equal((CommandRunner.Failure, $"error: --val-fraction must be in [0, 1), got {shown}"), Train(_data, "--out", _folder.File("r"), "--val-fraction", given));
        Assert.False(Directory.Exists(_folder.File("r")));
    }

    [Fact]
    public void OneFold()
    {
        Assert.Equal((CommandRunner.Failure, "error: --folds must be at least 2 (or 0 to split by --val-fraction), got 1"), Train(_data, "--out", _folder.File("r"), "--folds", "1"));
    }

    [Fact]
    public void MoreFoldsThanSlices()
    {
        Assert.Equal((CommandRunner.Failure, $"error: --folds 7 is more than the 6 labelled slices of {_data}: every fold needs at least one"),
            Train(_data, "--out", _folder.File("r"), "--folds", "7"));
        Assert.Equal((CommandRunner.Failure, $"error: --folds 7 is more than the 6 labelled slices of {_data}: every fold needs at least one"),
            CliRun.Invoke("cv", "--data", _data, "--folds", "7", "--archs", "unet", "--out", _folder.File("cv")));
    }

    [Fact]
    public void ASingleImageMaskPairCannotBeSplit()
    {
        Assert.Equal((CommandRunner.Failure, $"error: {_onePair} holds 1 labelled slice: a validation split needs at least 2; pass --val-fraction 0 to train on it without validation"),
            Train(_onePair, "--out", _folder.File("r")));
    }
}

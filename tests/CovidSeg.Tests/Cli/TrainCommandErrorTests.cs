using CovidSeg.Cli;
using CovidSeg.Phantom;

namespace CovidSeg.Tests.Cli;

/// <summary>Options and data that cannot train end with one line and exit code 1, before anything is written.</summary>
public sealed class TrainCommandErrorTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string data;
    private readonly string onePair;

    public TrainCommandErrorTests()
    {
        this.data = this.folder.File("data");
        PhantomExport.WriteSlices(this.data, new PhantomDataset(6, seed: 2, new PhantomOptions { Size = 32 }));
        onePair = this.folder.File("one");
        PhantomExport.WriteSlices(onePair, new PhantomDataset(1, seed: 2, new PhantomOptions { Size = 32 }));
        File.WriteAllText(this.folder.File("afile"), "x");
    }

    public void Dispose() => this.folder.Dispose();

    private (int Code, string Error) Train(string data, params string[] more) =>
        CliRun.Invoke(["train", "--data", data, "--arch", "unet", "--width", "8", "--depth", "2", "--side", "32", "--epochs", "1", "--aug", "none", "--threads", "2", .. more]);

    [Fact]
    public void OutThatIsAFile()
    {
        Assert.Equal((CommandRunner.Failure, $"error: --out {this.folder.File("afile")} is a file, expected a folder"), Train(this.data, "--out", this.folder.File("afile")));
    }

    [Fact]
    public void OutBelowAFile()
    {
        Assert.Equal((CommandRunner.Failure, $"error: --out {this.folder.File("afile/run")} cannot be created: {this.folder.File("afile")} is a file, not a folder"),
            Train(this.data, "--out", this.folder.File("afile/run")));
    }

    [Theory]
    [InlineData("nan", "NaN")]
    [InlineData("1", "1")]
    [InlineData("-0.5", "-0.5")]
    public void ValidationFractionOutsideZeroToOne(string given, string shown)
    {
        Assert.Equal((CommandRunner.Failure, $"error: --val-fraction must be in [0, 1), got {shown}"), Train(this.data, "--out", this.folder.File("r"), "--val-fraction", given));
        Assert.False(Directory.Exists(this.folder.File("r")));
    }

    [Fact]
    public void OneFold()
    {
        Assert.Equal((CommandRunner.Failure, "error: --folds must be at least 2 (or 0 to split by --val-fraction), got 1"), Train(this.data, "--out", this.folder.File("r"), "--folds", "1"));
    }

    [Fact]
    public void MoreFoldsThanSlices()
    {
        Assert.Equal((CommandRunner.Failure, $"error: --folds 7 is more than the 6 labelled slices of {this.data}: every fold needs at least one"),
            Train(this.data, "--out", this.folder.File("r"), "--folds", "7"));
        Assert.Equal((CommandRunner.Failure, $"error: --folds 7 is more than the 6 labelled slices of {this.data}: every fold needs at least one"),
            CliRun.Invoke("cv", "--data", this.data, "--folds", "7", "--archs", "unet", "--out", this.folder.File("cv")));
    }

    [Theory]
    [InlineData("0", "error: --run-folds: '0' is not a fold number (1, 2, ...)")]
    [InlineData("1,x", "error: --run-folds: 'x' is not a fold number (1, 2, ...)")]
    [InlineData("2,4", "error: fold 4 was asked for, but there are 3 folds (1..3)")]
    public void RunFoldsThatAreNotFoldsOfThePlan(string given, string expected)
    {
        Assert.Equal((CommandRunner.Failure, expected),
            CliRun.Invoke("cv", "--data", this.data, "--folds", "3", "--archs", "unet", "--aug", "none", "--run-folds", given, "--out", this.folder.File("cv")));
        Assert.False(File.Exists(Path.Combine(this.folder.File("cv"), "folds.json")));
    }

    [Fact]
    public void MoreEpochsToAverageThanTrainedAreRefusedBeforeAnythingIsWritten()
    {
        Assert.Equal((CommandRunner.Failure, "error: the epochs to average must be 0 (off) to 1 (the epochs trained), got 2"),
            Train(this.data, "--out", this.folder.File("r"), "--average-last", "2"));
        Assert.False(Directory.Exists(this.folder.File("r")));
        Assert.Equal((CommandRunner.Failure, "error: the epochs to average must be 0 (off) to 3 (the epochs trained), got 5"),
            CliRun.Invoke("cv", "--data", this.data, "--folds", "3", "--archs", "unet", "--epochs", "3", "--average-last", "5", "--out", this.folder.File("cv")));
        Assert.False(Directory.Exists(this.folder.File("cv")));
        Assert.Equal((CommandRunner.Failure, "error: --average-last: 'a quarter' is neither a number of epochs nor a share of them such as 25%"),
            Train(this.data, "--out", this.folder.File("r"), "--average-last", "a quarter"));
    }

    [Theory]
    [InlineData("25%", 120, 30)]
    [InlineData("25%", 7, 2)]
    [InlineData("25%", 10, 3)] // 2.5 rounds half away from zero, as a student taking its teacher's share does
    [InlineData("1%", 7, 1)]
    [InlineData("0%", 7, 0)]
    [InlineData("100%", 7, 7)]
    [InlineData("3", 7, 3)]
    public void EpochsToAverageAreANumberOrAShareOfTheEpochs(string given, int epochs, int expected)
    {
        Assert.Equal(expected, TrainingCommandOptions.ParseEpochsToAverage(given, epochs));
    }

    [Fact]
    public void UnknownAugmentationNamesTheChoices()
    {
        Assert.Equal((CommandRunner.Failure, "error: unknown augmentation 'strong': use paper (x6 offline: rotations and scales), online (random), heavy (random, nnU-Net's wider family) or none"),
            CliRun.Invoke("train", "--data", this.data, "--arch", "unet", "--side", "32", "--epochs", "1", "--aug", "strong", "--out", this.folder.File("r")));
        Assert.False(Directory.Exists(this.folder.File("r")));
    }

    [Fact]
    public void ASingleImageMaskPairCannotBeSplit()
    {
        Assert.Equal((CommandRunner.Failure, $"error: {onePair} holds 1 labelled slice: a validation split needs at least 2; pass --val-fraction 0 to train on it without validation"),
            Train(onePair, "--out", this.folder.File("r")));
    }
}

using CovidSeg.Cli;
using CovidSeg.Runtime;
using CovidSeg.Tests.Cli;

namespace CovidSeg.Tests.Runtime;

/// <summary>--threads above the cores this process may use is refused with one line, before any work.</summary>
public class ThreadLimitTests
{
    private static readonly int Cores = Environment.ProcessorCount;

    [Fact]
    public void ZeroAndOneToTheCoreCountAreAccepted()
    {
        TorchRuntime.CheckThreads(0);
        TorchRuntime.CheckThreads(1);
        TorchRuntime.CheckThreads(Cores);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100000)]
    public void OtherValuesAreRefused(int threads)
    {
        Assert.Equal($"--threads {threads} is outside what this process can use: pass 0 for one per logical core, or 1..{Cores}",
            Assert.Throws<CovidSegException>(() => TorchRuntime.CheckThreads(threads)).Message);
        Assert.Throws<CovidSegException>(() => TorchRuntime.Configure(threads));
    }

    [Fact]
    public void PredictAndTrainRefuseBeforeDoingAnything()
    {
        using var folder = new TempFolder();
        string expected = $"error: --threads 100000 is outside what this process can use: pass 0 for one per logical core, or 1..{Cores}";
        Assert.Equal((CommandRunner.Failure, expected),
            CliRun.Invoke("predict", "--model", folder.File("none"), "--input", folder.Path, "--out", folder.File("out"), "--threads", "100000"));
        Assert.Equal((CommandRunner.Failure, expected),
            CliRun.Invoke("train", "--data", folder.File("none"), "--out", folder.File("run"), "--threads", "100000"));
        Assert.False(Directory.Exists(folder.File("out")));
        Assert.False(Directory.Exists(folder.File("run")));
    }
}

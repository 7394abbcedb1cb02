using System.Diagnostics;
using CovidSeg.Cli;
using CovidSeg.Training;
using CovidSeg.Runs;

namespace CovidSeg.Tests.Cli;

/// <summary>
/// SIGTERM (docker stop, Kubernetes, systemd) stops training like Ctrl-C: the current step is saved and the exit code
/// says which signal it was (143, or 130 for Ctrl-C), not 1 as for an error. Runs the real executable.
/// </summary>
public class SignalTests
{
    [Fact]
    public Task SigtermSavesTheRunAndExitsWith143() => SignalSavesTheRunAndExitsWithItsCode("TERM", CtrlC.TerminatedExitCode, "SIGTERM");

    [SigintFact]
    public Task CtrlCSavesTheRunAndExitsWith130() => SignalSavesTheRunAndExitsWithItsCode("INT", CtrlC.InterruptedExitCode, "Ctrl-C");

    private static async Task SignalSavesTheRunAndExitsWithItsCode(string signal, int exitCode, string name)
    {
        using var folder = new TempFolder();
        string run = folder.File("run");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "covidseg.dll"), "train", "--phantom", "6", "--side", "32", "--arch", "unet",
                     "--width", "8", "--depth", "2", "--epochs", "10000", "--aug", "none", "--threads", "1", "--out", run })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            // Wait for the first saved epoch, so the signal lands mid-training.
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(run, RunManifest.FileName)) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(100);
            Assert.False(process.HasExited, "training ended before the signal");
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()])) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        Assert.Equal(exitCode, process.ExitCode);
        Assert.Contains($"{name}: stopping after this step and saving a checkpoint", await stderr);
        Assert.Contains("continue with --resume", await stdout);
        var manifest = RunManifest.Load(run);
        Assert.False(manifest.Progress.Finished);
        Assert.True(Directory.Exists(Path.Combine(run, manifest.LastCheckpoint!)));
    }
}

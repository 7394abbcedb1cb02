using System.Diagnostics;
using System.Text;
using CovidSeg.Pacs;

namespace CovidSeg.Tests.Pacs;

/// <summary>The real <c>covidseg worker</c> executable against a test Orthanc, credentials in its environment.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public WorkerProcess(OrthancServer orthanc, string run, string positionFile, IEnumerable<string> extra, string? credentialsFile = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "covidseg.dll"), "worker", "--orthanc", orthanc.Url.ToString(),
                     "--model", run, "--threads", "1", "--position-file", positionFile, "--poll", "0.2", "--max-backoff", "1" }.Concat(extra))
            start.ArgumentList.Add(arg);
        if (credentialsFile is not null)
        {
            start.ArgumentList.Add("--credentials-file");
            start.ArgumentList.Add(credentialsFile);
        }
        else
        {
            start.Environment[OrthancCredentials.UserVariable] = OrthancServer.User;
            start.Environment[OrthancCredentials.PasswordVariable] = OrthancServer.Password;
        }
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    /// <summary>Everything the worker printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (this.output) return this.output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is not null) lock (this.output) this.output.AppendLine(line);
    }

    /// <summary>Waits until the output holds <paramref name="text"/>; fails the test after <paramref name="seconds"/>.</summary>
    public void WaitFor(string text, double seconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"the worker did not print \"{text}\" within {seconds} s; it printed:\n{Output}");
            Assert.False(process.HasExited && !Output.Contains(text, StringComparison.Ordinal), $"the worker exited before printing \"{text}\":\n{Output}");
            Thread.Sleep(100);
        }
    }

    public int WaitForExit(double seconds = 180)
    {
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(seconds)), $"the worker did not exit within {seconds} s:\n{Output}");
        process.WaitForExit(); // drains the output
        return process.ExitCode;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString()]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill();
        process.Dispose();
    }
}

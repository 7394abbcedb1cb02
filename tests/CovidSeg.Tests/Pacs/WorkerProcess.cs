using System.Diagnostics;
using System.Text;
using CovidSeg.Pacs;

namespace CovidSeg.Tests.Pacs;

/// <summary>The real <c>covidseg worker</c> executable against a test Orthanc, credentials in its environment.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

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
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Everything the worker printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is not null) lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits until the output holds <paramref name="text"/>; fails the test after <paramref name="seconds"/>.</summary>
    public void WaitFor(string text, double seconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"the worker did not print \"{text}\" within {seconds} s; it printed:\n{Output}");
            Assert.False(_process.HasExited && !Output.Contains(text, StringComparison.Ordinal), $"the worker exited before printing \"{text}\":\n{Output}");
            Thread.Sleep(100);
        }
    }

    public int WaitForExit(double seconds = 180)
    {
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(seconds)), $"the worker did not exit within {seconds} s:\n{Output}");
        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}

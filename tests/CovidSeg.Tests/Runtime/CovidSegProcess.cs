using System.Diagnostics;

namespace CovidSeg.Tests.Runtime;

/// <summary>Runs the covidseg command line (built beside the tests) in a child process with extra environment variables.</summary>
internal static class CovidSegProcess
{
    public static (int Exit, string Output, string Error) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "covidseg.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // The child decides its own memory policy: drop a switch this test process may have been given.
        start.Environment.Remove(CovidSeg.Runtime.BackwardKernelChoice.Variable);
        start.Environment["COLUMNS"] = "250"; // one table row per line, so rows can be searched
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("covidseg did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("covidseg did not finish within 300 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}

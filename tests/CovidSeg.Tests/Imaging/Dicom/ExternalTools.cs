using System.Diagnostics;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>Runs the independent tools of the DICOM tests: pydicom through /usr/bin/python3, and dciodvfy.</summary>
public static class ExternalTools
{
    public const string Python = "/usr/bin/python3";
    public const string Dciodvfy = "/usr/bin/dciodvfy";
    public const string Dcmcjpeg = "/usr/bin/dcmcjpeg";

    public static string? ProbePydicom()
    {
        if (!File.Exists(Python)) return $"{Python} not found; install python3-pydicom to run the DICOM tests against an independent writer and reader";
        var (exit, _, error) = Run(Python, ["-c", "import pydicom, numpy"]);
        return exit == 0 ? null : $"{Python} cannot import pydicom ({LastLine(error)}); install python3-pydicom (apt-get install python3-pydicom)";
    }

    public static string? ProbeDciodvfy() =>
        File.Exists(Dciodvfy) ? null : $"{Dciodvfy} not found; install dicom3tools (apt-get install dicom3tools) to validate the DICOM Segmentation";

    public static string? ProbeDcmcjpeg() =>
        File.Exists(Dcmcjpeg) ? null : $"{Dcmcjpeg} not found; install dcmtk (apt-get install dcmtk) to test JPEG Lossless files made by an independent encoder";

    public static (int Exit, string Output, string Error) Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish within 120 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs a Python script with arguments; fails the test with its error output when it exits non-zero.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var (exit, output, error) = Run(Python, ["-c", script, .. args]);
        Assert.True(exit == 0, $"python failed: {error}");
        return output;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
}

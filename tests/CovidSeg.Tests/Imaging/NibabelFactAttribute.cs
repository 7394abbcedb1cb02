using System.Diagnostics;

namespace CovidSeg.Tests.Imaging;

/// <summary>
/// A fact that runs only when <c>/usr/bin/python3</c> can import nibabel and numpy (Debian: python3-nibabel);
/// otherwise it is reported as skipped with the reason.
/// </summary>
public sealed class NibabelFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> WhyUnavailable = new(Probe);

    public NibabelFactAttribute()
    {
        if (WhyUnavailable.Value is string reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python)) return $"{Python} not found; install python3-nibabel to run the independent NIfTI reader check";
        try
        {
            var (exit, _, error) = RunPython("import nibabel, numpy", []);
            return exit == 0 ? null : $"{Python} cannot import nibabel ({LastLine(error)}); install python3-nibabel to run the independent NIfTI reader check";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            return $"cannot run {Python}: {e.Message}";
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";

    /// <summary>Runs <c>python3 -c script args...</c>; returns exit code, stdout and stderr.</summary>
    public static (int Exit, string Output, string Error) RunPython(string script, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{Python} did not finish within 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}

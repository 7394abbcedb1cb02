using System.Globalization;

namespace CovidSeg.Tests.Cli;

/// <summary>
/// Whether this process ignores SIGINT. A shell starts background jobs with SIGINT ignored, children inherit that,
/// and .NET keeps a signal ignored that was ignored at start, so a test run in the background cannot deliver Ctrl-C
/// to the command line it starts (as a real terminal could not either).
/// </summary>
public static class SignalDisposition
{
    public static bool SigintIgnored { get; } = ReadSigintIgnored();

    private static bool ReadSigintIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return false;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (line is null) return false;
        ulong mask = ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (mask & (1UL << (2 - 1))) != 0; // SIGINT is signal 2, bit 1
    }
}

/// <summary>A fact that sends Ctrl-C to a child process; skipped, saying why, when this process ignores SIGINT.</summary>
public sealed class SigintFactAttribute : FactAttribute
{
    public SigintFactAttribute()
    {
        if (SignalDisposition.SigintIgnored)
            Skip = "this test process ignores SIGINT (it was started in the background), so its children would too; run the tests in the foreground";
    }
}

using System.Globalization;
using System.Text;
using CovidSeg.IO;

namespace CovidSeg.Benchmarks;

/// <summary>
/// Writes a <see cref="BenchmarkReport"/> as Markdown. In an existing file only the part between
/// <see cref="BeginMarker"/> and <see cref="EndMarker"/> is replaced, so the hand-written analysis around the numbers
/// (what limits a missed target, what was changed) survives a rerun.
/// </summary>
public static class BenchmarkMarkdown
{
    public const string BeginMarker = "<!-- covidseg bench: begin (generated, do not edit by hand) -->";
    public const string EndMarker = "<!-- covidseg bench: end -->";

    public static string Render(BenchmarkReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var m = report.Machine;
        var sb = new StringBuilder();
        sb.AppendLine(BeginMarker);
        sb.AppendLine($"Measured {report.Started.ToString("yyyy-MM-dd HH:mm", inv)} UTC in {report.Duration.TotalMinutes.ToString("0.0", inv)} min by");
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine(report.Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine($"- Machine: {m.Cpu}, {m.LogicalCores} logical cores, {BenchmarkTables.F(m.MemoryGiB, 1)} GiB; vector extensions: {m.VectorExtensions}.");
        sb.AppendLine($"- libtorch {m.LibTorchVersion} (TorchSharp {m.TorchSharpVersion}), {m.Threads} threads; CovidSeg {m.CovidSegVersion}; {m.OperatingSystem}.");
        sb.AppendLine(m.FreedMemoryRetained
            ? "- Heap: freed memory kept for reuse (glibc mallopt, as every covidseg command runs; COVIDSEG_HEAP=default turns it off)."
            : "- Heap: glibc's default policy (large blocks mapped and unmapped each time).");
        sb.AppendLine($"- 1-minute load average before {BenchmarkTables.F(report.LoadBefore, 2)}, after {BenchmarkTables.F(report.LoadAfter, 2)} " +
                      "(above the thread count means another process shared the cores).");
        sb.AppendLine($"- Every row: one warm-up, then the median of its runs; spread = ±half the fastest-to-slowest range, relative to the median.");
        foreach (var table in BenchmarkTables.Build(report))
        {
            sb.AppendLine();
            sb.AppendLine($"### {table.Title}");
            sb.AppendLine();
            var markdown = new MarkdownTable(table.Headers);
            foreach (var row in table.Rows) markdown.Row(row);
            markdown.AppendTo(sb);
            if (table.Note is { } note)
            {
                sb.AppendLine();
                sb.AppendLine(note);
            }
        }
        sb.AppendLine(EndMarker);
        return sb.ToString();
    }

    /// <summary>
    /// Writes the report into <paramref name="path"/>, keeping everything outside the markers, and returns the file written.
    /// An existing file without both markers is hand-written text the run must not replace: the report then goes to
    /// NAME.generated.md beside it, and the caller says so.
    /// </summary>
    public static string Write(string path, BenchmarkReport report)
    {
        string generated = Render(report);
        string text;
        string written = path;
        string existing = File.Exists(path) ? File.ReadAllText(path) : "";
        int begin = existing.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = begin >= 0 ? existing.IndexOf(EndMarker, begin, StringComparison.Ordinal) : -1;
        if (begin >= 0 && end >= 0)
        {
            text = existing[..begin] + generated.TrimEnd('\n') + existing[(end + EndMarker.Length)..];
        }
        else
        {
            if (existing.Trim().Length > 0) written = SiblingFor(path);
            text = "# Benchmarks\n\nSpeed and memory of CovidSeg on the machine that ran `covidseg bench`. The section between the markers is " +
                   "rewritten by each run; notes outside it are kept.\n\n" + generated;
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(written));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(written, text);
        return written;
    }

    /// <summary>Where a report goes when <paramref name="path"/> holds text without the markers: NAME.generated.md beside it.</summary>
    public static string SiblingFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + ".generated.md");
}

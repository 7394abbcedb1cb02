using System.CommandLine;
using CovidSeg.Benchmarks;
using CovidSeg.Runtime;
using Spectre.Console;

namespace CovidSeg.Cli.Commands;

/// <summary><c>covidseg bench</c>: issue 6's speed and memory benchmark; prints tables and writes docs/benchmarks.md.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchmarkOptions();
        var output = new Option<string>("--out") { Description = "Markdown file to write (only the generated section is replaced)", DefaultValueFactory = _ => "docs/benchmarks.md" };
        var runs = new Option<int?>("--runs") { Description = $"timed runs per row after one warm-up; rows quote the median (default {defaults.Runs})" };
        var volumeRuns = new Option<int?>("--volume-runs") { Description = $"runs of the end-to-end volume row (default {defaults.VolumeRuns})" };
        var sections = new Option<string[]>("--only")
        {
            Description = "run only these sections: ceiling, training, inference, volume, attention, profile (default: all)",
            AllowMultipleArgumentsPerToken = true,
        };
        var archs = new Option<string[]>("--arch") { Description = "networks to time (default: all four)", AllowMultipleArgumentsPerToken = true };
        var quick = new Option<bool>("--quick") { Description = "toy sizes: checks the benchmark runs, in seconds; the numbers mean nothing" };
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Measure speed and memory against this machine's matrix-product ceiling: training steps, inference, a CT volume end to end, LSH against full attention.");
        foreach (var o in new Option[] { output, runs, volumeRuns, sections, archs, quick, threads }) command.Options.Add(o);
        command.SetHandler(parse =>
        {
            TorchRuntime.Configure(parse.GetValue(threads));
            var preset = parse.GetValue(quick) ? BenchmarkOptions.Quick : defaults;
            var options = preset with
            {
                Runs = parse.GetValue(runs) ?? preset.Runs,
                VolumeRuns = parse.GetValue(volumeRuns) ?? preset.VolumeRuns,
                Sections = ParseSections(parse.GetValue(sections)),
            };
            if (parse.GetValue(archs) is { Length: > 0 } chosen) options = options with { Archs = chosen };
            string commandLine = "covidseg " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            var report = BenchmarkSuite.Run(options, commandLine, message => AnsiConsole.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss} {message}[/]"));
            foreach (var table in BenchmarkTables.Build(report))
            {
                var console = new Table { Title = new TableTitle(table.Title) };
                foreach (string header in table.Headers) console.AddColumn(header);
                foreach (var row in table.Rows) console.AddPlainRow(row.ToArray());
                if (table.Note is { } note) console.Caption = new TableTitle(note);
                AnsiConsole.Write(console);
            }
            string path = parse.GetValue(output)!;
            string written = BenchmarkMarkdown.Write(path, report);
            if (written != path)
                AnsiConsole.WriteLine($"{path}: has text but not both '{BenchmarkMarkdown.BeginMarker}' and '{BenchmarkMarkdown.EndMarker}', so it was left as it is; the tables are in {written}");
            AnsiConsole.WriteLine($"wrote {written} ({report.Duration.TotalMinutes:0.0} min)");
            return CommandRunner.Success;
        });
        return command;
    }

    private static BenchmarkSections ParseSections(string[]? names)
    {
        if (names is null || names.Length == 0) return BenchmarkSections.All;
        var result = BenchmarkSections.None;
        foreach (string name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries)))
            result |= Enum.TryParse<BenchmarkSections>(name, ignoreCase: true, out var s) && s != BenchmarkSections.None
                ? s
                : throw new CovidSegException($"--only: unknown section '{name}'; choose from ceiling, training, inference, volume, attention, profile");
        return result;
    }
}

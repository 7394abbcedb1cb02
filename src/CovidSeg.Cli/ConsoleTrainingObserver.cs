using CovidSeg.Data;
using CovidSeg.Training;
using Spectre.Console;
using CovidSeg.Labels;
using CovidSeg.Runs;

namespace CovidSeg.Cli;

/// <summary>
/// Shows training live: a progress line per epoch (step, loss, images/s, time left) on a terminal, plain log lines
/// when output is redirected (CI, files), and one summary line per finished epoch in both cases.
/// </summary>
public sealed class ConsoleTrainingObserver : ITrainingObserver
{
    private readonly LabelSet labels;
    private readonly bool interactive = !Console.IsOutputRedirected;
    private int epochs;

    public ConsoleTrainingObserver(LabelSet labels) => this.labels = labels;

    public void EpochStarted(int epoch, int epochs, int steps)
    {
        this.epochs = epochs;
    }

    public void StepFinished(int epoch, int step, int steps, double loss, double imagesPerSecond)
    {
        if (!interactive) return;
        double fraction = (double)step / steps;
        int width = 24;
        int filled = (int)Math.Round(fraction * width);
        string bar = new string('#', filled) + new string('.', width - filled);
        double secondsPerStep = imagesPerSecond > 0 ? 1.0 / imagesPerSecond : 0;
        string left = imagesPerSecond > 0 ? FormatSpan(TimeSpan.FromSeconds((steps - step) * secondsPerStep)) : "?";
        Console.Write($"\repoch {epoch}/{this.epochs} [{bar}] step {step}/{steps}  loss {loss:F4}  {imagesPerSecond:F1} img/s  epoch left {left}   ");
    }

    public void EpochFinished(EpochRecord r, bool isBest)
    {
        if (interactive) Console.Write("\r" + new string(' ', Math.Max(0, Console.WindowWidth - 1)) + "\r");
        string dice = r.ValidationDice.Length == 0
            ? "no validation"
            : string.Join("  ", this.labels.Lesions.Select(c => $"{c.Name} {r.ValidationDice[c.Index]:F3}")) + $"  lesion mean {r.ValidationLesionDice:F3} (pooled {r.ValidationGlobalLesionDice:F3})";
        string eta = r.Epoch < this.epochs ? $", about {FormatSpan(TimeSpan.FromSeconds(r.Seconds * (this.epochs - r.Epoch)))} left" : "";
        AnsiConsole.MarkupLine(Markup.Escape($"epoch {r.Epoch}/{this.epochs}  train loss {r.TrainLoss:F4}  val loss {r.ValidationLoss:F4}  {dice}  {r.Seconds:F0}s ({r.ImagesPerSecond:F1} img/s){eta}") +
                               (isBest ? " [green]best[/]" : ""));
    }

    public void Message(string text) => AnsiConsole.MarkupLine("[grey]" + Markup.Escape(text) + "[/]");

    private static string FormatSpan(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}

using System.CommandLine;

namespace CovidSeg.Cli;

/// <summary>Runs a parsed command line and turns user-facing failures into one line on stderr and a non-zero exit.</summary>
public static class CommandRunner
{
    public const int Success = 0;
    public const int Failure = 1;
    /// <summary>Some inputs of a batch failed, the rest were processed.</summary>
    public const int PartialFailure = 2;

    /// <summary>Runs <paramref name="args"/>; the one-line error goes to <paramref name="error"/> (default: stderr).</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        try
        {
            return root.Parse(RecipeArguments.Expand(root, args)).Invoke(config);
        }
        catch (CovidSegException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (OperationCanceledException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file system refused (disk full, permissions, a file where a folder should be): its message names the path.
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            // libtorch reports its own failures this way. Its C++ backtrace helps nobody at the command line, but its
            // first line alone ("Expected false to be true") can be too little to find the cause, so all of it is kept.
            string? report = TryWriteReport(e);
            error.WriteLine($"error: libtorch failed: {e.Message.Split('\n')[0].Trim().TrimEnd('.')}. " +
                            (report is null ? "" : $"Its full report: {report}. ") +
                            "Training commands resume from their last checkpoint when run again (train: add --resume).");
            return Failure;
        }
    }

    /// <summary>
    /// Writes the whole exception (libtorch's message with its C++ frames, then the .NET stack) to a new file in the
    /// temporary folder, or returns null if that cannot be written: the error line must come out either way.
    /// </summary>
    internal static string? TryWriteReport(Exception e)
    {
        try
        {
            string path = Path.Combine(Path.GetTempPath(),
                $"covidseg-libtorch-error-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}.txt");
            File.WriteAllText(path, $"covidseg {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n{DateTime.UtcNow:O}\n\n{e}\n");
            return path;
        }
        catch (Exception writeError) when (writeError is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Wraps a verb's body: the body returns its exit code.</summary>
    public static void SetHandler(this Command command, Func<ParseResult, int> body) => command.SetAction(body);
}

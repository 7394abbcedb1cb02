using System.CommandLine;

namespace CovidSeg.Cli;

/// <summary>Runs a parsed command line and turns user-facing failures into one line on stderr and a non-zero exit.</summary>
public static class CommandRunner
{
    public const int Success = 0;
    public const int Failure = 1;
    /// <summary>Some inputs of a batch failed, the rest were processed.</summary>
    public const int PartialFailure = 2;

    public static int Invoke(RootCommand root, string[] args)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        try
        {
            return root.Parse(args).Invoke(config);
        }
        catch (CovidSegException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            // libtorch reports its own failures this way; its C++ backtrace helps nobody at the command line.
            Console.Error.WriteLine($"error: libtorch failed: {e.Message.Split('\n')[0].Trim()}. Training commands resume from their last checkpoint when run again (train: add --resume).");
            return Failure;
        }
    }

    /// <summary>Wraps a verb's body: the body returns its exit code.</summary>
    public static void SetHandler(this Command command, Func<ParseResult, int> body) => command.SetAction(body);
}

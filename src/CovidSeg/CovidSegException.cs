namespace CovidSeg;

/// <summary>
/// A failure the user can act on (bad file, bad option, missing data). The command line prints its message as one
/// line, without a stack trace. Anything else that escapes is a bug.
/// </summary>
public class CovidSegException : Exception
{
    public CovidSegException(string message) : base(message) { }
    public CovidSegException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An input file (or folder) that cannot be used; the message names it and says what is wrong.</summary>
public sealed class InvalidInputException : CovidSegException
{
    public string InputPath { get; }
    public string Problem { get; }

    public InvalidInputException(string path, string problem)
        : base($"{path}: {problem}")
    {
        InputPath = path;
        Problem = problem;
    }

    public InvalidInputException(string path, string problem, Exception inner)
        : base($"{path}: {problem}", inner)
    {
        InputPath = path;
        Problem = problem;
    }
}

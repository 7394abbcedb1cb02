namespace CovidSeg.Tests.Reliability;

/// <summary>
/// One bad input or fault tried on the command line: what was done, the command (with the scratch folder shown as
/// $TMP), and how it must end. <see cref="Run"/> returns the exit code and what the user is told.
/// </summary>
public sealed record ReliabilityCase(string Issue, string What, int ExpectedExitCode, string Output, Func<(int Code, string Said, string Command)> Run);

/// <summary>How a case ended, as docs/reliability.md shows it.</summary>
public sealed record ReliabilityOutcome(ReliabilityCase Case, int Code, string Said, string Command, string FilesLeft);

using System.CommandLine;

namespace CovidSeg.Cli;

/// <summary>Options shared by several verbs, created fresh for each command (an option belongs to one command).</summary>
public static class CommonOptions
{
    public static Option<int> Threads() => new("--threads")
    {
        Description = "libtorch threads (0 = one per logical core)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<int> Seed(int defaultSeed = 1) => new("--seed")
    {
        Description = "seed for every random choice; the same seed gives the same numbers",
        DefaultValueFactory = _ => defaultSeed,
    };
}

using System.CommandLine;
using CovidSeg.Inference;

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

    /// <summary>
    /// <c>--tta [none|flips|dihedral]</c>: test-time augmentation. Given alone it means flips, as it did before it took
    /// a value, so existing scripts keep their outputs.
    /// </summary>
    public static Option<string?> Tta() => new("--tta")
    {
        Description = "test-time augmentation: flips (the default when given alone: 4 mirror images averaged) or dihedral (8: mirror images and quarter turns); none when absent",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>What <see cref="Tta"/> asked for in <paramref name="parse"/>.</summary>
    public static TestTimeAugmentation ParseTta(ParseResult parse, Option<string?> option) =>
        parse.GetResult(option) is null ? TestTimeAugmentation.None
        : parse.GetValue(option) is { Length: > 0 } text ? TestTimeAugmentation.Parse(text)
        : TestTimeAugmentation.Flips;
}

namespace CovidSeg.Training.Recipes;

/// <summary>
/// A named set of command-line options for train and cv, so the best-known way to train is one word and stays visible:
/// the options are spelled out (<see cref="Options"/>) and any of them given on the command line wins.
/// </summary>
/// <param name="Options">Option names with their values, in order; a flag without a value has an empty value list.</param>
public sealed record TrainingRecipe(string Name, string Summary, IReadOnlyList<(string Option, string[] Values)> Options)
{
    /// <summary>
    /// <paramref name="args"/> with every recipe option that the arguments do not already give appended after them, and
    /// the <c>--recipe NAME</c> pair removed.
    /// </summary>
    public IReadOnlyList<string> ExpandInto(IReadOnlyList<string> args)
    {
        var given = new HashSet<string>(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=')[0]), StringComparer.Ordinal);
        var expanded = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == RecipeOption) { i++; continue; }
            if (args[i].StartsWith(RecipeOption + "=", StringComparison.Ordinal)) continue;
            expanded.Add(args[i]);
        }
        foreach (var (option, values) in Options)
        {
            if (given.Contains(option)) continue;
            expanded.Add(option);
            expanded.AddRange(values);
        }
        return expanded;
    }

    /// <summary>The options as they would be typed.</summary>
    public string CommandLine => string.Join(' ', Options.Select(o => string.Join(' ', new[] { o.Option }.Concat(o.Values))));

    public const string RecipeOption = "--recipe";
}

using System.CommandLine;
using CovidSeg.Training.Recipes;

namespace CovidSeg.Cli;

/// <summary>
/// Expands <c>--recipe NAME</c> on train and cv into the recipe's options before parsing, so the options stay ordinary
/// (shown in run.json and in errors) and any of them given on the command line wins.
/// </summary>
public static class RecipeArguments
{
    public static string[] Expand(RootCommand root, string[] args)
    {
        if (args.Length == 0 || root.Subcommands.FirstOrDefault(c => c.Name == args[0]) is not { } verb) return args;
        if (!verb.Options.Any(o => o.Name == TrainingRecipe.RecipeOption)) return args;
        var names = verb.Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        return [.. TrainingRecipes.Expand(args, names.Contains)];
    }

    /// <summary>The --recipe option train and cv declare, so help lists it (its value is consumed by <see cref="Expand"/>).</summary>
    public static Option<string?> Option() => new(TrainingRecipe.RecipeOption)
    {
        Description = "named option set: " + string.Join("; ", TrainingRecipes.All.Select(r => $"{r.Name} = {r.Summary}")) + ". Options given on the command line win",
    };
}

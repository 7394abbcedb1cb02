namespace CovidSeg.Training.Recipes;

/// <summary>The recipes <c>--recipe</c> knows; docs/results.md has the cross-validation behind each.</summary>
public static class TrainingRecipes
{
    /// <summary>Chen, Yao and Zhang 2020 as written: the full network at 369 px, cross-entropy, Adam at a fixed rate, the x6 offline augmentation, 100 epochs.</summary>
    public static TrainingRecipe Paper { get; } = new("paper",
        "the paper's recipe: res-attention-unet at 369 px, cross-entropy, constant learning rate, x6 offline augmentation, 100 epochs",
        [
            ("--arch", ["res-attention-unet"]), ("--side", ["369"]), ("--loss", ["ce"]), ("--schedule", ["constant"]),
            ("--aug", ["paper"]), ("--epochs", ["100"]),
        ]);

    /// <summary>
    /// The best recipe measured so far (docs/results.md): cross-entropy plus Dice, cosine decay, heavy random augmentation
    /// (free rotation, scale, elastic, gamma, contrast, noise, blur), 120 epochs at 256 px, the weights averaged over the
    /// last 30 epochs (no validation split: a handful of validation slices picks epochs by chance); with cv, decision
    /// offsets chosen on the held-out predictions. In 5-fold cross-validation it matched the earlier 40-epoch online
    /// recipe on ground-glass opacity and raised consolidation Dice from 0.356 to 0.439; the decision offsets then raised
    /// ground-glass opacity from 0.497 to 0.540, and with the held-out predictions averaged over the 8 symmetries of the
    /// square (test-time augmentation, offsets chosen on those predictions) to 0.564 at consolidation 0.439.
    /// </summary>
    public static TrainingRecipe Best { get; } = new("best",
        "the best recipe measured (docs/results.md): res-attention-unet at 256 px, width 16, cross-entropy + Dice, cosine decay, heavy augmentation, 120 epochs, the weights of the last 25% of epochs averaged; cv also chooses decision offsets on held-out predictions averaged over the 8 symmetries of the square (use predict --tta dihedral with them)",
        [
            ("--arch", ["res-attention-unet"]), ("--side", ["256"]), ("--width", ["16"]), ("--loss", ["dice-ce"]),
            ("--schedule", ["cosine"]), ("--aug", ["heavy"]), ("--epochs", ["120"]), ("--average-last", ["25%"]), ("--val-fraction", ["0"]),
            ("--decision-offsets", []), ("--tta", ["dihedral"]),
        ]);

    public static IReadOnlyList<TrainingRecipe> All { get; } = [Paper, Best];

    public static TrainingRecipe Named(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new CovidSegException($"unknown recipe '{name}': use {string.Join(" or ", All.Select(r => r.Name))}");

    /// <summary>
    /// <paramref name="args"/> with the recipe of <c>--recipe NAME</c> (if any) expanded for the verb whose options <paramref name="verbTakes"/> knows:
    /// options the verb does not take (cv has no --val-fraction) are left out.
    /// </summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> args, Func<string, bool> verbTakes)
    {
        int at = -1;
        string? name = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == TrainingRecipe.RecipeOption)
            {
                if (i + 1 >= args.Count) throw new CovidSegException($"{TrainingRecipe.RecipeOption} needs a name: {string.Join(" or ", All.Select(r => r.Name))}");
                (at, name) = (i, args[i + 1]);
            }
            else if (args[i].StartsWith(TrainingRecipe.RecipeOption + "=", StringComparison.Ordinal))
                (at, name) = (i, args[i][(TrainingRecipe.RecipeOption.Length + 1)..]);
        }
        if (at < 0 || name is null) return args;
        var recipe = Named(name);
        var applicable = recipe with { Options = recipe.Options.Where(o => verbTakes(o.Option)).ToList() };
        return applicable.ExpandInto(args);
    }
}

using CovidSeg.Training.Recipes;

namespace CovidSeg.Tests.Training;

public class TrainingRecipeTests
{
    [Fact]
    public void ARecipeFillsTheOptionsNotGivenAndTheCommandLineWins()
    {
        string[] args = ["train", "--data", "d", "--recipe", "best", "--epochs", "7", "-o", "out"];
        var expanded = TrainingRecipes.Expand(args, _ => true);

        Assert.DoesNotContain("--recipe", expanded);
        Assert.Equal(["train", "--data", "d", "--epochs", "7", "-o", "out"], expanded.Take(7));
        Assert.Single(expanded, a => a == "--epochs");
        int arch = expanded.ToList().IndexOf("--arch");
        Assert.Equal("res-attention-unet", expanded[arch + 1]);
        int loss = expanded.ToList().IndexOf("--loss");
        Assert.Equal("dice-ce", expanded[loss + 1]);
        int aug = expanded.ToList().IndexOf("--aug");
        Assert.Equal("heavy", expanded[aug + 1]);
        int average = expanded.ToList().IndexOf("--average-last");
        Assert.Equal("25%", expanded[average + 1]);
    }

    [Fact]
    public void OptionsTheVerbDoesNotTakeAreLeftOutAndUnknownRecipesAreRefused()
    {
        var expanded = TrainingRecipes.Expand(["cv", "--recipe=best", "-o", "out"], option => option != "--val-fraction");
        Assert.DoesNotContain("--val-fraction", expanded);
        Assert.Contains("--schedule", expanded);
        // A flag without a value: cv takes it, train does not.
        Assert.Contains("--decision-offsets", expanded);
        Assert.Equal("dihedral", expanded[expanded.ToList().IndexOf("--tta") + 1]);
        var forTrain = TrainingRecipes.Expand(["train", "--recipe", "best"], option => option is not ("--decision-offsets" or "--tta"));
        Assert.DoesNotContain("--decision-offsets", forTrain);
        Assert.DoesNotContain("--tta", forTrain);
        Assert.Equal(["cv", "-o", "out"], TrainingRecipes.Expand(["cv", "-o", "out"], _ => true));
        var e = Assert.Throws<CovidSegException>(() => TrainingRecipes.Expand(["train", "--recipe", "fastest"], _ => true));
        Assert.Contains("unknown recipe 'fastest'", e.Message);
    }
}

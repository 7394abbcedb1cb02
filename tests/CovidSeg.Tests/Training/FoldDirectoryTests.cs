using CovidSeg.Data.Augmentation;
using CovidSeg.Training;

namespace CovidSeg.Tests.Training;

public class FoldDirectoryTests
{
    [Fact]
    public void AFoldTrainedUnderTheOldNameIsFoundUnderTheNewOne()
    {
        using var folder = new TempFolder();
        string fresh = CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, "lsh-attention-unet", 1);
        Assert.Equal(Path.Combine(folder.Path, "none", "lsh-attention-unet", "fold-1"), fresh);

        string old = Path.Combine(folder.Path, "none", "attention-unet", "fold-1");
        Directory.CreateDirectory(old);
        Assert.Equal(old, CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, "lsh-attention-unet", 1));
        Assert.Equal(Path.Combine(folder.Path, "none", "unet", "fold-1"), CrossValidation.FoldDirectory(folder.Path, AugmentationMode.None, "unet", 1));
    }
}

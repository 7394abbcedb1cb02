using CovidSeg.Inference;

namespace CovidSeg.Tests.Inference;

public class OutputNamesTests
{
    private static string[] Touch(TempFolder folder, params string[] names)
    {
        foreach (string name in names)
        {
            string path = folder.File(name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [0]);
        }
        return names.Select(folder.File).ToArray();
    }

    [Fact]
    public void TheSameStemWithTwoExtensionsIsRefusedNamingBoth()
    {
        using var folder = new TempFolder();
        var inputs = Touch(folder, "3.jpg", "3.png");
        var e = Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique(inputs, folder.File("out"), overlays: false));
        Assert.Equal($"{inputs[0]} and {inputs[1]} would both write 3.* in {folder.File("out")}: rename one, or predict them into different --out folders", e.Message);
    }

    [Fact]
    public void TheSameFileNameInTwoFoldersIsRefused()
    {
        using var folder = new TempFolder();
        var inputs = Touch(folder, "a/ct.nii.gz", "b/ct.nii");
        Assert.StartsWith($"{inputs[0]} and {inputs[1]} would both write ct.*", Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique(inputs, folder.File("out"), false)).Message);
    }

    [Fact]
    public void NamesDifferingOnlyInCaseAreRefused()
    {
        using var folder = new TempFolder();
        var inputs = Touch(folder, "Scan.png", "scan.jpg");
        Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique(inputs, folder.File("out"), false));
    }

    [Fact]
    public void AnInputNamedLikeAnotherInputsOverlayIsRefusedOnlyWithOverlays()
    {
        using var folder = new TempFolder();
        var slices = Touch(folder, "a.png", "a_overlay.png");
        OutputNames.CheckUnique(slices, folder.File("out"), overlays: false);
        Assert.Equal($"{slices[1]} would write a_overlay.*, the name of an overlay of {slices[0]} (--overlay): rename one, or predict them into different --out folders",
            Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique(slices, folder.File("out"), overlays: true)).Message);
        var volume = Touch(folder, "v.nii.gz", "v_z003_overlay.png");
        Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique(volume, folder.File("out"), overlays: true));
    }

    [Fact]
    public void DistinctStemsPass()
    {
        using var folder = new TempFolder();
        OutputNames.CheckUnique(Touch(folder, "1.png", "2.jpg", "3.nii.gz", "10.png"), folder.File("out"), overlays: true);
    }

    [Fact]
    public void AnOutputFolderThatIsAnInputFolderIsRefused()
    {
        using var folder = new TempFolder();
        var inputs = Touch(folder, "in/1.png");
        string inFolder = folder.File("in");
        Assert.Equal($"--out {inFolder}/ is the folder of input {inputs[0]}: the masks would be written beside the images and read as images by the next run; choose another --out",
            Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique(inputs, inFolder + "/", false)).Message);
        Assert.Throws<CovidSegException>(() => OutputNames.CheckUnique([inFolder], inFolder, false));
        OutputNames.CheckUnique(inputs, Path.Combine(inFolder, "pred"), false);
    }

    [Fact]
    public void AFileGivenTwiceIsSegmentedOnce()
    {
        using var folder = new TempFolder();
        var inputs = Touch(folder, "in/1.png", "in/2.png");
        Assert.Equal(inputs, Predictor.ExpandInputs([inputs[0], folder.File("in"), inputs[1]]).Order());
    }
}

namespace CovidSeg.Tests.Data;

public class SharedDataFactAttributeTests
{
    [Fact]
    public void AbsentSharedDataSkipsWithItsPath()
    {
        var fact = new SharedDataFactAttribute("no-such-folder/anywhere");
        Assert.NotNull(SharedData.RepositoryRoot);
        Assert.Equal($"shared data not found: {SharedData.PathOf("no-such-folder/anywhere")} is absent (real data is not committed; place it there to run this test)", fact.Skip);
    }
}

using CovidSeg.Data;

namespace CovidSeg.Tests.Data;

public class NaturalStringComparerTests
{
    [Fact]
    public void NumbersCompareByValue()
    {
        string[] stems = ["10", "2", "b", "a10", "1", "a9", "02", "a"];
        Assert.Equal(["1", "2", "02", "10", "a", "a9", "a10", "b"], stems.Order(NaturalStringComparer.Instance));
    }
}

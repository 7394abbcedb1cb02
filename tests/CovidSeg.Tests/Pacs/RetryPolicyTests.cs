using CovidSeg.Pacs;

namespace CovidSeg.Tests.Pacs;

public class RetryPolicyTests
{
    [Fact]
    public void DelaysDoubleUpToTheCap()
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { 1.0, 2, 4, 8, 10, 10 }, Enumerable.Range(1, 6).Select(a => policy.Delay(a).TotalSeconds));
        Assert.Equal(10, policy.Delay(int.MaxValue).TotalSeconds);
    }
}

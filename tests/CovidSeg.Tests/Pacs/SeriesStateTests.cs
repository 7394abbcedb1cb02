using CovidSeg.Pacs;

namespace CovidSeg.Tests.Pacs;

public class SeriesStateTests
{
    private static readonly DateTime Noon = new(2026, 12, 1, 12, 0, 5, DateTimeKind.Utc);

    [Fact]
    public void EachStateIsOneReadableLineThatParsesBack()
    {
        var cases = new[]
        {
            (SeriesState.Claim("host-12", Noon), "claimed by host-12 until 2026-12-01T12:00:05Z"),
            (SeriesState.Done(Noon, "DICOM Segmentation in series abc"), "done 2026-12-01T12:00:05Z: DICOM Segmentation in series abc"),
            (SeriesState.Failed(Noon, "mixed image sizes: a: b"), "failed 2026-12-01T12:00:05Z: mixed image sizes: a: b"),
        };
        foreach (var (state, text) in cases)
        {
            Assert.Equal(text, state.Format());
            Assert.Equal(state, SeriesState.Parse(text));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("claimed by x until tomorrow")]
    [InlineData("done yesterday: ok")]
    public void AnythingElseIsNotOurs(string text) => Assert.Null(SeriesState.Parse(text));

    [Fact]
    public void OnlyAClaimIsUnfinished()
    {
        Assert.False(SeriesState.Claim("w", Noon).IsFinished);
        Assert.True(SeriesState.Done(Noon, "d").IsFinished);
        Assert.True(SeriesState.Failed(Noon, "r").IsFinished);
    }
}

using CovidSeg.IO;

namespace CovidSeg.Tests.IO;

public class CsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void FieldsAreQuotedOnlyWhenTheyMustBe(string value, string expected) =>
        Assert.Equal(expected, CsvWriter.Field(value));

    [Fact]
    public void RowsEndInANewline() =>
        Assert.Equal("id,name\n1,\"x,y\"\n", new CsvWriter().Row("id", "name").Row("1", "x,y").ToString());
}

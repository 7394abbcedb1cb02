using CovidSeg.IO;

namespace CovidSeg.Tests.IO;

public class MarkdownTableTests
{
    [Fact]
    public void NumbersAreRightAlignedAndPipesEscaped()
    {
        var table = MarkdownTable.Numeric("class", "pixels").Row("a|b", "3").Row("lung", "");
        Assert.Equal("| class | pixels |\n|---|---:|\n| a\\|b | 3 |\n| lung | |\n", table.ToString());
    }

    [Fact]
    public void ARowOfTheWrongWidthIsRefused()
    {
        var table = new MarkdownTable(["a", "b"]);
        Assert.Throws<ArgumentException>(() => table.Row("only one"));
        Assert.Equal("| a | b |\n|---|---|\n", table.ToString());
    }
}

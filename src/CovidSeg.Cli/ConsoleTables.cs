using Spectre.Console;

namespace CovidSeg.Cli;

/// <summary>Spectre tables read their cells as markup; our cells are plain text (paths, [0,1] ranges).</summary>
public static class ConsoleTables
{
    public static Table AddPlainRow(this Table table, params string[] cells) =>
        table.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
}

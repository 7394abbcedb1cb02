using System.Text;

namespace CovidSeg.IO;

/// <summary>
/// A GitHub Markdown table: a header row, an alignment row (numbers right-aligned), then the rows; a "|" inside a
/// cell is escaped so it cannot split the cell. Rows end in "\n".
/// </summary>
public sealed class MarkdownTable
{
    private readonly IReadOnlyList<string> headers;
    private readonly IReadOnlyList<bool> rightAligned;
    private readonly List<IReadOnlyList<string>> rows = [];

    /// <param name="headers">Column titles.</param>
    /// <param name="rightAligned">Per column, whether it is right-aligned (numbers); null for all left.</param>
    public MarkdownTable(IReadOnlyList<string> headers, IReadOnlyList<bool>? rightAligned = null)
    {
        if (rightAligned is not null && rightAligned.Count != headers.Count)
            throw new ArgumentException($"{rightAligned.Count} alignments for {headers.Count} columns", nameof(rightAligned));
        this.headers = headers;
        this.rightAligned = rightAligned ?? headers.Select(_ => false).ToArray();
    }

    /// <summary>A table whose first column is left-aligned and every other one right-aligned.</summary>
    public static MarkdownTable Numeric(params string[] headers) => new(headers, headers.Select((_, i) => i > 0).ToArray());

    public MarkdownTable Row(params string[] cells) => Row((IEnumerable<string>)cells);

    public MarkdownTable Row(IEnumerable<string> cells)
    {
        var row = cells.ToArray();
        if (row.Length != headers.Count) throw new ArgumentException($"{row.Length} cells in a table of {headers.Count} columns", nameof(cells));
        rows.Add(row);
        return this;
    }

    public StringBuilder AppendTo(StringBuilder sb)
    {
        AppendRow(sb, headers);
        sb.Append('|');
        foreach (bool right in rightAligned) sb.Append(right ? "---:|" : "---|");
        sb.Append('\n');
        foreach (var row in rows) AppendRow(sb, row);
        return sb;
    }

    public override string ToString() => AppendTo(new StringBuilder()).ToString();

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string> cells)
    {
        sb.Append('|');
        foreach (string cell in cells) sb.Append(cell.Length == 0 ? " |" : $" {cell.Replace("|", "\\|")} |");
        sb.Append('\n');
    }
}

using System.Text;

namespace CovidSeg.IO;

/// <summary>
/// Comma-separated rows ending in "\n", a field quoted (and its quotes doubled) only when it holds a comma, a quote
/// or a line break (RFC 4180), so spreadsheets and pandas read every file CovidSeg writes the same way.
/// </summary>
public sealed class CsvWriter
{
    private readonly StringBuilder text = new();

    public CsvWriter Row(IEnumerable<string> fields)
    {
        text.AppendJoin(',', fields.Select(Field)).Append('\n');
        return this;
    }

    public CsvWriter Row(params string[] fields) => Row((IEnumerable<string>)fields);

    /// <summary>One field as it goes between the commas.</summary>
    public static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    public override string ToString() => text.ToString();
}

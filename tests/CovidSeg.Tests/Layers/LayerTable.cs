namespace CovidSeg.Tests.Layers;

/// <summary>One row of the layer table in docs/architecture.md.</summary>
public sealed record Layer(string Name, string Assembly, IReadOnlyList<string> Namespaces, IReadOnlyList<string> MayUse);

/// <summary>The layer table of docs/architecture.md, read from the copy beside the test assembly.</summary>
public static class LayerTable
{
    public static string DocumentPath => Path.Combine(AppContext.BaseDirectory, "docs", "architecture.md");

    public static IReadOnlyList<Layer> Read()
    {
        var rows = File.ReadLines(DocumentPath)
            .SkipWhile(line => !line.StartsWith("| layer | assembly | namespaces |", StringComparison.Ordinal))
            .Skip(2)
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .Select(cells => new Layer(cells[0], cells[1], Backticked(cells[2]), Listed(cells[4])))
            .ToList();
        if (rows.Count == 0) throw new InvalidOperationException($"no layer table in {DocumentPath}");
        return rows;
    }

    /// <summary>The layer that owns <paramref name="ns"/>: a listed namespace or one below it; the longest match wins.</summary>
    public static Layer? Owner(IReadOnlyList<Layer> layers, string ns) =>
        layers.SelectMany(l => l.Namespaces.Select(n => (Layer: l, Namespace: n)))
            .Where(x => ns == x.Namespace || (x.Namespace != "CovidSeg" && ns.StartsWith(x.Namespace + ".", StringComparison.Ordinal)))
            .OrderByDescending(x => x.Namespace.Length)
            .Select(x => x.Layer)
            .FirstOrDefault();

    private static string[] Backticked(string cell) =>
        cell.Split('`').Where((_, i) => i % 2 == 1).ToArray();

    private static string[] Listed(string cell) =>
        cell == "—" ? [] : cell.Split(',').Select(s => s.Trim()).ToArray();
}

using System.Reflection;

namespace CovidSeg.Tests.Layers;

/// <summary>
/// The layers of docs/architecture.md hold in the compiled code: every type belongs to a layer of the table, and
/// uses only types of its own layer and of the layers its row allows.
/// </summary>
public class LayerDependencyTests
{
    private static readonly string[] AssemblyNames = ["CovidSeg.Core", "CovidSeg.Phantom", "CovidSeg.Benchmarks", "covidseg"];

    private static IEnumerable<Assembly> Assemblies() => AssemblyNames.Select(Assembly.Load);

    private static bool IsOurs(Type t) => AssemblyNames.Contains(t.Assembly.GetName().Name);

    /// <summary>
    /// A nested type (a lambda's closure, an iterator) belongs to its owner's namespace; types the compiler or a
    /// source generator adds outside ours (generated regular expressions) belong to no layer.
    /// </summary>
    private static string? NamespaceOf(Type t) =>
        t.DeclaringType is { } owner ? NamespaceOf(owner)
        : t.Namespace is { } ns && (ns == "CovidSeg" || ns.StartsWith("CovidSeg.", StringComparison.Ordinal)) ? ns
        : null;

    [Fact]
    public void EveryNamespaceIsALayerOfTheTable()
    {
        var layers = LayerTable.Read();
        var unlisted = Assemblies().SelectMany(a => a.GetTypes())
            .Select(NamespaceOf).OfType<string>().Distinct()
            .Where(ns => LayerTable.Owner(layers, ns) is null)
            .ToList();
        Assert.True(unlisted.Count == 0, $"namespaces docs/architecture.md does not place in a layer: {string.Join(", ", unlisted)}");
    }

    [Fact]
    public void EachTypeUsesOnlyTheLayersItsRowAllows()
    {
        var layers = LayerTable.Read();
        var forbidden = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Assemblies().SelectMany(a => a.GetTypes()))
        {
            if (NamespaceOf(type) is not { } ns || LayerTable.Owner(layers, ns) is not { } from) continue;
            foreach (var used in TypeReferences.Of(type).Where(IsOurs))
            {
                if (NamespaceOf(used) is not { } usedNs || LayerTable.Owner(layers, usedNs) is not { } to) continue;
                if (to == from || from.MayUse.Contains(to.Name)) continue;
                forbidden.Add($"{from.Name} -> {to.Name}: {type.FullName} uses {used.FullName}");
            }
        }
        Assert.True(forbidden.Count == 0, "dependencies the table does not allow:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void EachLayerLivesInTheAssemblyItsRowNames()
    {
        var layers = LayerTable.Read();
        var misplaced = Assemblies().SelectMany(a => a.GetTypes())
            .Where(t => NamespaceOf(t) is { } ns && LayerTable.Owner(layers, ns) is { } layer && layer.Assembly != t.Assembly.GetName().Name)
            .Select(t => $"{t.FullName} in {t.Assembly.GetName().Name}")
            .ToList();
        Assert.True(misplaced.Count == 0, string.Join("\n", misplaced));
    }

    [Fact]
    public void TheCoreLibraryShipsNeitherThePhantomNorTheBenchmarks()
    {
        var references = Assembly.Load("CovidSeg.Core").GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("CovidSeg.Phantom", references);
        Assert.DoesNotContain("CovidSeg.Benchmarks", references);
        Assert.DoesNotContain("covidseg", references);
    }

    [Fact]
    public void TheCheckFindsABackwardEdge()
    {
        // A layer that may use nothing, and a type that uses another layer's type: the scan must see it.
        var used = TypeReferences.Of(typeof(CovidSeg.Inference.TrainedModel)).Where(IsOurs).ToList();
        Assert.Contains(typeof(CovidSeg.Runs.RunManifest), used);
        var layers = LayerTable.Read();
        Assert.Equal("runs", LayerTable.Owner(layers, "CovidSeg.Runs")!.Name);
        Assert.Equal("imaging", LayerTable.Owner(layers, "CovidSeg.Imaging.Dicom")!.Name);
        Assert.Equal("runtime", LayerTable.Owner(layers, "CovidSeg")!.Name);
        Assert.Null(LayerTable.Owner(layers, "CovidSegExtras"));
        Assert.DoesNotContain("training", LayerTable.Owner(layers, "CovidSeg.Inference")!.MayUse);
    }
}

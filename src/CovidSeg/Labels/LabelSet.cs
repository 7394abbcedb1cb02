using System.Text.Json.Serialization;

namespace CovidSeg.Labels;

/// <summary>One class of a segmentation: its index in masks, a name, and an RGB colour for overlays.</summary>
public sealed record LabelClass(int Index, string Name, byte R, byte G, byte B);

/// <summary>
/// The classes a data set labels, index 0 being background. It travels with the data set and the checkpoint, so
/// nothing downstream hard-codes how many classes there are or what they mean.
/// </summary>
public sealed class LabelSet
{
    public IReadOnlyList<LabelClass> Classes { get; }

    [JsonConstructor]
    public LabelSet(IReadOnlyList<LabelClass> classes)
    {
        if (classes.Count < 2) throw new ArgumentException("a label set needs background and at least one class");
        for (int i = 0; i < classes.Count; i++)
            if (classes[i].Index != i) throw new ArgumentException($"label indices must be 0..{classes.Count - 1} in order; found {classes[i].Index} at position {i}");
        Classes = classes;
    }

    [JsonIgnore] public int Count => Classes.Count;
    [JsonIgnore] public IEnumerable<LabelClass> Lesions => Classes.Skip(1);
    public string NameOf(int index) => Classes[index].Name;

    /// <summary>COVID-SemiSeg (Inf-Net) multi-class slices: background, ground-glass opacity, consolidation.</summary>
    public static LabelSet SemiSeg { get; } = new([
        new(0, "background", 0, 0, 0),
        new(1, "ground-glass opacity", 46, 204, 113),
        new(2, "consolidation", 241, 196, 15),
    ]);

    /// <summary>MedSeg COVID-19 CT segmentation: adds pleural effusion (label 3).</summary>
    public static LabelSet MedSeg { get; } = new([
        new(0, "background", 0, 0, 0),
        new(1, "ground-glass opacity", 46, 204, 113),
        new(2, "consolidation", 241, 196, 15),
        new(3, "pleural effusion", 52, 152, 219),
    ]);

    public bool SameAs(LabelSet other) =>
        Count == other.Count && Classes.Zip(other.Classes).All(p => p.First.Index == p.Second.Index && p.First.Name == p.Second.Name);
}

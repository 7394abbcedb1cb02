using System.Text;

namespace CovidSeg.Evaluation;

/// <summary>Class names turned into column-name parts: "ground-glass opacity" becomes "ground_glass_opacity".</summary>
public static class ColumnSlugs
{
    public static string Of(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char ch in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '_') sb.Append('_');
        }
        string slug = sb.ToString().TrimEnd('_');
        return slug.Length == 0 ? "class" : slug;
    }

    /// <summary>One slug per class; when two names give the same slug, the class index is appended to keep them apart.</summary>
    public static IReadOnlyList<string> ForClasses(IReadOnlyList<string> classNames)
    {
        var slugs = classNames.Select(Of).ToList();
        var duplicated = slugs.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return slugs.Select((s, i) => duplicated.Contains(s) ? $"{s}_{i}" : s).ToList();
    }
}

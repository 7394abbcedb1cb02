namespace CovidSeg.Tests;

/// <summary>
/// The shared data folder beside the repository (../shared/data relative to the folder holding CovidSeg.slnx).
/// It holds real slices that are never committed, so tests using it skip when it is absent.
/// </summary>
public static class SharedData
{
    public static string? RepositoryRoot { get; } = FindRepositoryRoot();

    public static string? Root => RepositoryRoot is null ? null : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));

    /// <summary>Full path of a file or folder under the shared data root (null when the repository root is unknown).</summary>
    public static string? PathOf(string relative) => Root is null ? null : Path.Combine(Root, relative);

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CovidSeg.slnx"))) return dir.FullName;
        return null;
    }
}

/// <summary>A fact that needs a file or folder under the shared data root, skipped with a clear message when it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        string? path = SharedData.PathOf(relativePath);
        if (path is null)
            Skip = $"shared data not found: no CovidSeg.slnx above {AppContext.BaseDirectory}, so ../shared/data cannot be located";
        else if (!File.Exists(path) && !Directory.Exists(path))
            Skip = $"shared data not found: {path} is absent (real data is not committed; place it there to run this test)";
    }
}

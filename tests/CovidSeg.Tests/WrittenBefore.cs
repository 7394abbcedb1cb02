namespace CovidSeg.Tests;

/// <summary>Files written by CovidSeg at commit e85a9eb, before issue 15 (Fixtures/README.md says how).</summary>
public static class WrittenBefore
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "main-e85a9eb", name);
}

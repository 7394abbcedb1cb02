namespace CovidSeg.Tests.Pacs;

/// <summary>A fact that runs only where Debian's Orthanc is installed; otherwise skipped, naming the package.</summary>
public sealed class OrthancFactAttribute : FactAttribute
{
    public OrthancFactAttribute()
    {
        if (OrthancServer.Executable is null) Skip = OrthancServer.NotInstalled;
    }
}

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>A fact that also needs dciodvfy (Debian: dicom3tools), the DICOM object validator.</summary>
public sealed class DciodvfyFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyUnavailable = new(() => ExternalTools.ProbePydicom() ?? ExternalTools.ProbeDciodvfy());

    public DciodvfyFactAttribute()
    {
        if (WhyUnavailable.Value is string reason) Skip = reason;
    }
}

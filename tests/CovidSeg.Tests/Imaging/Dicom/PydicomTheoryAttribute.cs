namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>A theory that runs only when <c>/usr/bin/python3</c> can import pydicom and numpy (Debian: python3-pydicom).</summary>
public sealed class PydicomTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> WhyUnavailable = new(() => ExternalTools.ProbePydicom());

    public PydicomTheoryAttribute()
    {
        if (WhyUnavailable.Value is string reason) Skip = reason;
    }
}

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// A fact that runs only when <c>/usr/bin/python3</c> can import pydicom and numpy (Debian: python3-pydicom), the
/// independent DICOM writer and reader of these tests; otherwise it is skipped with the reason.
/// </summary>
public sealed class PydicomFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyUnavailable = new(() => ExternalTools.ProbePydicom());

    public PydicomFactAttribute()
    {
        if (WhyUnavailable.Value is string reason) Skip = reason;
    }
}

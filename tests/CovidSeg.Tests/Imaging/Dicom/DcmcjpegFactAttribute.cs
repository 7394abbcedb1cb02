namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>A fact that needs pydicom and dcmtk's dcmcjpeg (Debian: dcmtk), the independent JPEG Lossless encoder.</summary>
public sealed class DcmcjpegFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyUnavailable = new(() => ExternalTools.ProbePydicom() ?? ExternalTools.ProbeDcmcjpeg());

    public DcmcjpegFactAttribute()
    {
        if (WhyUnavailable.Value is string reason) Skip = reason;
    }
}

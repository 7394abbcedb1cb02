namespace CovidSeg.Pacs;

/// <summary>
/// Where the worker writes on each CT series in Orthanc. User-defined metadata and attachments take numbers from 1024
/// to 65535; numbers (not names) need no entry in Orthanc's configuration. 4301-4303 are CovidSeg's.
/// </summary>
public static class WorkerMetadata
{
    /// <summary>The series' <see cref="SeriesState"/>: the claim, then done or failed.</summary>
    public const int State = 4301;
    /// <summary>The quantification JSON (what <c>covidseg predict</c> writes as NAME.json).</summary>
    public const int Quantification = 4302;
    /// <summary>The Orthanc ID of the uploaded DICOM Segmentation series.</summary>
    public const int SegmentationSeries = 4303;
    /// <summary>Attachment: the self-contained HTML report (report.html of <c>covidseg predict</c>).</summary>
    public const int HtmlReportAttachment = 4301;
}

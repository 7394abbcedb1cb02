namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Finds the CT series to segment in a folder (searched recursively; files with the Part 10 signature, whatever
/// their name) or one file. One series, or exactly one CT series, is taken; otherwise the series are listed and
/// one must be chosen by its Series Instance UID. Only CT is segmented: its values are Hounsfield units.
/// </summary>
public static class DicomSeriesLoader
{
    /// <summary>True when <paramref name="path"/> is a Part 10 file or a folder whose files include one.</summary>
    public static bool IsDicomInput(string path)
    {
        if (File.Exists(path)) return DicomFileReader.HasPart10Signature(path);
        return Directory.Exists(path) && FilesUnder(path).Any(DicomFileReader.HasPart10Signature);
    }

    public static DicomSeries Load(string path, string? seriesUid = null)
    {
        List<DicomFile> files;
        if (File.Exists(path))
        {
            files = [DicomFileReader.Read(path)];
        }
        else if (Directory.Exists(path))
        {
            files = FilesUnder(path).Where(DicomFileReader.HasPart10Signature).Select(DicomFileReader.Read).ToList();
            if (files.Count == 0) throw new InvalidInputException(path, "no DICOM Part 10 file in this folder or below it");
        }
        else
        {
            throw new InvalidInputException(path, "file or folder not found");
        }

        var series = files
            .Where(f => f.Dataset.Contains(DicomTags.PixelData))
            .GroupBy(f => f.Dataset.GetString(DicomTags.SeriesInstanceUid) ?? throw f.Dataset.Problem("Series Instance UID (0020,000E) is missing"))
            .Select(g => g.ToList())
            .ToList();
        if (series.Count == 0) throw new InvalidInputException(path, "no DICOM image (with Pixel Data) here");

        List<DicomFile> chosen;
        if (seriesUid is not null)
        {
            chosen = series.FirstOrDefault(g => Uid(g) == seriesUid)
                ?? throw new InvalidInputException(path, $"no series {seriesUid} here; found {Describe(series)}");
        }
        else
        {
            var ct = series.Where(g => Modality(g) == "CT").ToList();
            if (series.Count == 1) chosen = series[0];
            else if (ct.Count == 1) chosen = ct[0];
            else throw new InvalidInputException(path, $"{series.Count} series here; choose one with --series UID: {Describe(series)}");
        }
        if (Modality(chosen) != "CT")
            throw new InvalidInputException(path, $"series {Uid(chosen)} has modality \"{Modality(chosen)}\"; only CT (values in Hounsfield units) is segmented");
        return DicomSeriesAssembler.Assemble(path, chosen.SelectMany(DicomSliceReader.Frames).ToList());
    }

    /// <summary>Every file below the folder in ordinal path order (hidden files and folders skipped).</summary>
    private static IEnumerable<string> FilesUnder(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(folder, "*", options)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal);
    }

    private static string Uid(List<DicomFile> g) => g[0].Dataset.GetString(DicomTags.SeriesInstanceUid) ?? "";
    private static string Modality(List<DicomFile> g) => g[0].Dataset.GetString(DicomTags.Modality) ?? "";

    private static string Describe(List<List<DicomFile>> series) => string.Join("; ", series.Select(g =>
        $"{Uid(g)} ({Modality(g)}, \"{g[0].Dataset.GetString(DicomTags.SeriesDescription) ?? ""}\", {Slices(g)} {(Slices(g) == 1 ? "slice" : "slices")})"));

    private static long Slices(List<DicomFile> g) => g.Sum(f => Math.Max(1, f.Dataset.GetInteger(DicomTags.NumberOfFrames, "Number of Frames", 1)));
}

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>pydicom's own test files (pydicom/data/test_files, shipped by Debian's python3-pydicom), when present.</summary>
public static class PydicomTestFiles
{
    private static readonly Lazy<(string? Folder, string? WhyUnavailable)> Probe = new(() =>
    {
        if (ExternalTools.ProbePydicom() is string reason) return (null, reason);
        var (exit, text, _) = ExternalTools.Run(ExternalTools.Python, ["-c", "import os, pydicom.data; print(os.path.join(os.path.dirname(pydicom.data.__file__), 'test_files'))"]);
        string folder = text.Trim();
        return exit == 0 && File.Exists(Path.Combine(folder, "CT_small.dcm"))
            ? (folder, null)
            : (null, $"pydicom's test files (CT_small.dcm) are not in {folder}; Debian's python3-pydicom ships them");
    });

    public static string Folder => Probe.Value.Folder ?? throw new InvalidOperationException(Probe.Value.WhyUnavailable);
    public static string? WhyUnavailable => Probe.Value.WhyUnavailable;
}

/// <summary>A fact that needs pydicom's test files.</summary>
public sealed class PydicomTestFilesFactAttribute : FactAttribute
{
    public PydicomTestFilesFactAttribute()
    {
        if (PydicomTestFiles.WhyUnavailable is string reason) Skip = reason;
    }
}

/// <summary>A theory that needs pydicom's test files.</summary>
public sealed class PydicomTestFilesTheoryAttribute : TheoryAttribute
{
    public PydicomTestFilesTheoryAttribute()
    {
        if (PydicomTestFiles.WhyUnavailable is string reason) Skip = reason;
    }
}

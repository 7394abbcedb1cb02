namespace CovidSeg.Imaging.Nifti;

/// <summary>Names of single-file NIfTI images: <c>.nii</c> or gzip-compressed <c>.nii.gz</c>.</summary>
public static class NiftiFileName
{
    private static readonly string[] Extensions = [".nii.gz", ".nii"];

    public static bool IsNifti(string path) =>
        Extensions.Any(ext => path.EndsWith(ext, StringComparison.OrdinalIgnoreCase));

    /// <summary>The file name without folder and without .nii / .nii.gz ("case_0000" for "/x/case_0000.nii.gz").</summary>
    public static string Stem(string path)
    {
        string name = Path.GetFileName(path);
        foreach (string ext in Extensions)
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return name[..^ext.Length];
        return name;
    }
}

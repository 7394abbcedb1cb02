using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Imaging;

/// <summary>
/// The name of an input slice, volume or DICOM folder without its extension: what <c>covidseg predict</c> names its
/// outputs after and what <c>covidseg evaluate</c> matches them back by.
/// </summary>
public static class InputStem
{
    /// <summary>
    /// The stem every output of <paramref name="input"/> starts with: a file's name without .png/.jpg/.dcm/.nii/.nii.gz,
    /// a DICOM folder's own name ("." and "dir/" included).
    /// </summary>
    public static string Of(string input)
    {
        if (NiftiFileName.IsNifti(input)) return NiftiFileName.Stem(input);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input));
        string stem = Directory.Exists(input) ? Path.GetFileName(full) : Path.GetFileNameWithoutExtension(full);
        return stem.Length > 0 ? stem : "dicom"; // the root folder has no name
    }
}

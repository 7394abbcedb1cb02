using CovidSeg.Phantom;
using CovidSeg.Imaging.Dicom;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Pacs;

/// <summary>Synthetic chest CT series for the worker tests, written by the project's <see cref="CtSeriesWriter"/>.</summary>
public static class PhantomCtSeries
{
    /// <summary>A 48 x 40 x <paramref name="slices"/> phantom as a CT series in its own new study, in <paramref name="folder"/>.</summary>
    public static string Write(string folder, int seed, int nx = 48, int ny = 40, int slices = 5, CtSeriesIdentity? identity = null)
    {
        var phantom = ChestPhantom.GenerateVolume(nx, ny, slices, seed);
        var header = NiftiHeader.Create(nx, ny, slices, phantom.SpacingMm.X, phantom.SpacingMm.Y, phantom.SpacingMm.Z);
        string nifti = folder + ".nii.gz";
        NiftiWriter.Write(nifti, new NiftiVolume(header, phantom.Hounsfield), NiftiDataType.Int16);
        CtSeriesWriter.Write(folder, NiftiReader.Read(nifti), identity ?? CtSeriesIdentity.NewFor($"Phantom^{seed}", $"P{seed}", "phantom chest CT"));
        File.Delete(nifti);
        return folder;
    }
}

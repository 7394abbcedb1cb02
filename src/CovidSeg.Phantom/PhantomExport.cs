using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Labels;

namespace CovidSeg.Phantom;

/// <summary>Writes phantom data to disk in the layouts CovidSeg reads: slices as images/ + masks/ PNGs (lung window,
/// 8-bit, like COVID-SemiSeg) with labels.json, or a volume as NIfTI image/label/lung files (Hounsfield units).</summary>
public static class PhantomExport
{
    /// <summary>Writes every slice of <paramref name="data"/> to FOLDER/images/ID.png and FOLDER/masks/ID.png.</summary>
    public static void WriteSlices(string folder, PhantomDataset data)
    {
        for (int i = 0; i < data.Count; i++)
        {
            var sample = data.Load(i);
            ImageFile.WriteGrey8(Path.Combine(folder, "images", sample.Id + ".png"), sample.Image);
            ImageFile.WriteLabels(Path.Combine(folder, "masks", sample.Id + ".png"), sample.Mask);
        }
        LabelSetFile.Save(folder, data.Labels);
    }

    /// <summary>
    /// Writes FOLDER/imagesTr/NAME_0000.nii.gz (int16 HU), FOLDER/labelsTr/NAME.nii.gz (uint8 labels) and
    /// FOLDER/lungs/NAME.nii.gz (uint8 true lung) on one grid, the nnU-Net layout CovidSeg's NIfTI data sets read.
    /// </summary>
    public static string WriteVolume(string folder, string name, PhantomVolume volume)
    {
        var (dx, dy, dz) = volume.SpacingMm;
        var image = NiftiVolume.Create(volume.Nx, volume.Ny, volume.Nz, volume.Hounsfield, dx, dy, dz);
        string imagePath = Path.Combine(folder, "imagesTr", name + "_0000.nii.gz");
        foreach (var sub in new[] { "imagesTr", "labelsTr", "lungs" }) Directory.CreateDirectory(Path.Combine(folder, sub));
        NiftiWriter.Write(imagePath, image, NiftiDataType.Int16);
        var header = NiftiWriter.HeaderFor(image, NiftiDataType.Int16);
        NiftiWriter.WriteLabelsLike(Path.Combine(folder, "labelsTr", name + ".nii.gz"), header, volume.Labels);
        NiftiWriter.WriteLabelsLike(Path.Combine(folder, "lungs", name + ".nii.gz"), header, volume.Lung);
        LabelSetFile.Save(folder, LabelSet.MedSeg);
        return imagePath;
    }
}

using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using CovidSeg.Labels;

namespace CovidSeg.Data;

/// <summary>
/// How an axial slice of a NIfTI volume becomes a 2D image or mask, and back. The one orientation convention of
/// the project, used when loading and when writing predictions:
/// slice z of a volume is the plane of voxels (x, y, z) for all x, y; NIfTI stores x fastest, so that plane is
/// already row-major with Width = dim[1] (x) and Height = dim[2] (y): pixel (x, y) of the image is voxel (x, y, z).
/// No flip, transpose or reorientation is applied, whatever the affine says. A slice can therefore look rotated
/// or mirrored against a radiological display (MedSeg stacks are commonly shown rotated by 90°), but the network sees every
/// image and its mask the same way, and predictions stacked back with <see cref="StackLabels"/> and written with
/// <see cref="NiftiWriter.WriteLabelsLike"/> land exactly on the source voxels in ITK-SNAP or 3D Slicer.
/// </summary>
public static class NiftiSlices
{
    /// <summary>Slice <paramref name="z"/> as a grey image, pixel spacing from pixdim[1], pixdim[2] when positive.</summary>
    public static GreyImage Image(NiftiVolume volume, int z, IntensityScale scale)
    {
        return new GreyImage(volume.Nx, volume.Ny, volume.CopySlice(z), scale, SpacingOf(volume.Header));
    }

    /// <summary>Slice <paramref name="z"/> of labels (as made by <see cref="CheckedLabels"/>) as a mask.</summary>
    public static LabelMask Mask(byte[] labels, int nx, int ny, int z)
    {
        int plane = nx * ny;
        return new LabelMask(nx, ny, labels.AsSpan(z * plane, plane).ToArray());
    }

    /// <summary>(pixdim[1], pixdim[2]) in mm when both are positive and finite, else null.</summary>
    public static (double X, double Y)? SpacingOf(NiftiHeader header)
    {
        double dx = header.PixDim[1], dy = header.PixDim[2];
        return double.IsFinite(dx) && double.IsFinite(dy) && dx > 0 && dy > 0 ? (dx, dy) : null;
    }

    /// <summary>
    /// The voxels of a label volume as bytes, after checking each is a whole number 0..labels.Count-1; the error
    /// names the file, the value and the voxel.
    /// </summary>
    public static byte[] CheckedLabels(NiftiVolume mask, LabelSet labels, string path)
    {
        var result = new byte[mask.Data.Length];
        float[] data = mask.Data;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            if (v >= 0 && v < labels.Count && v == MathF.Floor(v))
            {
                result[i] = (byte)v;
                continue;
            }
            int x = i % mask.Nx, y = i / mask.Nx % mask.Ny, z = i / (mask.Nx * mask.Ny);
            string what = float.IsFinite(v) && v == MathF.Floor(v) ? $"label {v}" : $"value {v} (not a whole-number label)";
            throw new InvalidInputException(path, $"{what} at voxel ({x}, {y}, {z}) is not in the label set 0..{labels.Count - 1} ({string.Join(", ", labels.Classes.Select(c => $"{c.Index} {c.Name}"))})");
        }
        return result;
    }

    /// <summary>Both files describe the same voxel grid size; otherwise an error naming the mask.</summary>
    public static void CheckSameSize(NiftiHeader image, string imagePath, NiftiHeader mask, string maskPath)
    {
        var a = NiftiVolume.SpatialSize(image);
        var b = NiftiVolume.SpatialSize(mask);
        if (a != b)
            throw new InvalidInputException(maskPath, $"mask is {b.Nx}x{b.Ny}x{b.Nz} voxels but its image {imagePath} is {a.Nx}x{a.Ny}x{a.Nz}");
    }

    /// <summary>
    /// Per-slice masks (slice z = element z) stacked into one x-fastest label volume of nx x ny x masks.Count,
    /// the inverse of <see cref="Mask"/>; write it with <see cref="NiftiWriter.WriteLabelsLike"/>.
    /// </summary>
    public static byte[] StackLabels(IReadOnlyList<LabelMask> masks, int nx, int ny)
    {
        int plane = nx * ny;
        var result = new byte[(long)plane * masks.Count];
        for (int z = 0; z < masks.Count; z++)
        {
            var m = masks[z];
            if (m.Width != nx || m.Height != ny)
                throw new ArgumentException($"mask {z} is {m.Width}x{m.Height}, the volume slices are {nx}x{ny}");
            m.Labels.CopyTo(result, (long)z * plane);
        }
        return result;
    }
}

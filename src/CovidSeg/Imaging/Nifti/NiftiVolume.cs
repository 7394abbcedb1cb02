namespace CovidSeg.Imaging.Nifti;

/// <summary>
/// A 2D or 3D NIfTI-1 image in memory: its header and its voxel values as floats (already scaled by
/// scl_slope/scl_inter), stored x fastest as in the file: index = x + Nx * (y + Ny * z). A 2D image has Nz = 1.
/// The voxel-to-world transform follows the NIfTI-1 spec (nifti1.h, "3D IMAGE (VOLUME) ORIENTATION AND LOCATION
/// IN SPACE"): sform when sform_code &gt; 0, else qform when qform_code &gt; 0, else voxel sizes only.
/// </summary>
public sealed class NiftiVolume
{
    public NiftiHeader Header { get; }
    public float[] Data { get; }
    public int Nx { get; }
    public int Ny { get; }
    public int Nz { get; }
    public long VoxelCount => (long)Nx * Ny * Nz;

    /// <summary>Wraps a header and its voxels; the header's dim must describe exactly <paramref name="data"/>.Length voxels.</summary>
    public NiftiVolume(NiftiHeader header, float[] data)
    {
        (Nx, Ny, Nz) = SpatialSize(header);
        if ((long)Nx * Ny * Nz != data.Length)
            throw new ArgumentException($"header says {Nx}x{Ny}x{Nz} = {(long)Nx * Ny * Nz} voxels, data has {data.Length}");
        Header = header;
        Data = data;
    }

    /// <summary>A new axis-aligned volume with the given voxel size in mm (see <see cref="NiftiHeader.Create"/>).</summary>
    public static NiftiVolume Create(int nx, int ny, int nz, float[] data, double dx = 1, double dy = 1, double dz = 1) =>
        new(NiftiHeader.Create(nx, ny, nz, dx, dy, dz), data);

    /// <summary>
    /// New voxel values on the grid of <paramref name="reference"/>: the header is copied whole, so dims, pixdim,
    /// xyzt_units, qform/sform codes and parameters and srow are identical and viewers overlay the two.
    /// </summary>
    public static NiftiVolume Like(NiftiHeader reference, float[] data) => new(reference.Clone(), data);

    /// <summary>(nx, ny, nz) of a header whose dim[0] is 1..7; dimensions beyond the third must be 1 (checked by the reader).</summary>
    public static (int Nx, int Ny, int Nz) SpatialSize(NiftiHeader header)
    {
        short[] dim = header.Dim;
        int rank = dim[0];
        if (rank < 1 || rank > 7) throw new ArgumentException($"dim[0] must be 1..7, got {rank}");
        for (int i = 1; i <= rank; i++)
            if (dim[i] <= 0) throw new ArgumentException($"dim[{i}] must be positive, got {dim[i]}");
        for (int i = 4; i <= rank; i++)
            if (dim[i] != 1) throw new ArgumentException($"only 2D and 3D images are supported; dim[{i}] = {dim[i]}");
        return (dim[1], rank >= 2 ? dim[2] : 1, rank >= 3 ? dim[3] : 1);
    }

    public int IndexOf(int x, int y, int z) => x + Nx * (y + Ny * z);

    public float this[int x, int y, int z]
    {
        get => Data[IndexOf(x, y, z)];
        set => Data[IndexOf(x, y, z)] = value;
    }

    /// <summary>Voxel size (pixdim[1..3]) in the units of xyzt_units (normally mm).</summary>
    public (double X, double Y, double Z) VoxelSize => (Header.PixDim[1], Header.PixDim[2], Header.PixDim[3]);

    /// <summary>The voxels of axial slice z (all x, y at that z), row-major with y rows, a copy.</summary>
    public float[] CopySlice(int z)
    {
        if (z < 0 || z >= Nz) throw new ArgumentOutOfRangeException(nameof(z), $"slice {z} is outside 0..{Nz - 1}");
        int plane = Nx * Ny;
        return Data.AsSpan(z * plane, plane).ToArray();
    }

    /// <summary>
    /// 4x4 voxel (i, j, k) to world (x, y, z) matrix, row-major [row, column], last row 0 0 0 1.
    /// sform (srow_x/y/z) when sform_code &gt; 0; else the qform quaternion when qform_code &gt; 0; else
    /// diag(pixdim[1], pixdim[2], pixdim[3]) ("method 1" of the spec, for ANALYZE-like files).
    /// </summary>
    public double[,] Affine()
    {
        var h = Header;
        if (h.SformCode > 0)
        {
            return new double[,]
            {
                { h.SRowX[0], h.SRowX[1], h.SRowX[2], h.SRowX[3] },
                { h.SRowY[0], h.SRowY[1], h.SRowY[2], h.SRowY[3] },
                { h.SRowZ[0], h.SRowZ[1], h.SRowZ[2], h.SRowZ[3] },
                { 0, 0, 0, 1 },
            };
        }
        (double dx, double dy, double dz) = VoxelSize;
        if (h.QformCode > 0) return QformAffine(h);
        return new double[,] { { dx, 0, 0, 0 }, { 0, dy, 0, 0 }, { 0, 0, dz, 0 }, { 0, 0, 0, 1 } };
    }

    /// <summary>
    /// The qform of nifti1.h ("method 2"): rotation from the unit quaternion (a, b, c, d) with
    /// a = sqrt(1 - b² - c² - d²), columns scaled by pixdim[1], pixdim[2] and qfac * pixdim[3], where
    /// qfac = pixdim[0] (-1 flips the third axis; any value other than -1 counts as 1), then qoffset added.
    /// </summary>
    public static double[,] QformAffine(NiftiHeader h)
    {
        double b = h.QuaternB, c = h.QuaternC, d = h.QuaternD;
        double aSquared = 1.0 - (b * b + c * c + d * d);
        double a;
        if (aSquared < 1e-7)
        {
            // Rounding put (b, c, d) on or past the unit sphere: a 180° rotation; renormalise (b, c, d) as nifti1_io does.
            double norm = Math.Sqrt(b * b + c * c + d * d);
            a = 0;
            b /= norm; c /= norm; d /= norm;
        }
        else
        {
            a = Math.Sqrt(aSquared);
        }
        double qfac = h.PixDim[0] == -1 ? -1 : 1;
        double dx = h.PixDim[1], dy = h.PixDim[2], dz = h.PixDim[3] * qfac;
        double[,] r =
        {
            { a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c) },
            { 2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b) },
            { 2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c },
        };
        return new double[,]
        {
            { r[0, 0] * dx, r[0, 1] * dy, r[0, 2] * dz, h.QOffsetX },
            { r[1, 0] * dx, r[1, 1] * dy, r[1, 2] * dz, h.QOffsetY },
            { r[2, 0] * dx, r[2, 1] * dy, r[2, 2] * dz, h.QOffsetZ },
            { 0, 0, 0, 1 },
        };
    }
}

using CovidSeg.Imaging;

namespace CovidSeg.Phantom;

/// <summary>
/// A generated 3D phantom: Hounsfield values, labels (0..3, <see cref="Labels.LabelSet.MedSeg"/>) and lung mask (0/1), each
/// an x-fastest array: index = x + Nx·(y + Ny·z). x runs to the image right (patient left), y to the image bottom
/// (posterior), z upwards (towards the head); slice z is what <see cref="ChestPhantom.GenerateSlice"/> would show.
/// </summary>
public sealed record PhantomVolume(int Nx, int Ny, int Nz, (double X, double Y, double Z) SpacingMm,
    float[] Hounsfield, byte[] Labels, byte[] Lung)
{
    public int SliceLength => Nx * Ny;

    public GreyImage ImageSlice(int z) =>
        new(Nx, Ny, Hounsfield.AsSpan(SliceOffset(z), SliceLength).ToArray(), IntensityScale.Hounsfield, (SpacingMm.X, SpacingMm.Y));

    public LabelMask LabelSlice(int z) => new(Nx, Ny, Labels.AsSpan(SliceOffset(z), SliceLength).ToArray());

    public LabelMask LungSlice(int z) => new(Nx, Ny, Lung.AsSpan(SliceOffset(z), SliceLength).ToArray());

    private int SliceOffset(int z)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(z);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(z, Nz);
        return z * SliceLength;
    }
}

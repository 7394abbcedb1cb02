using System.Text.Json;
using CovidSeg.Imaging.Nifti;

namespace CovidSeg.Tests.Imaging;

/// <summary>
/// Independent check: files written by <see cref="NiftiWriter"/> are read by nibabel (the reference Python NIfTI
/// library) with the same shape, datatype, affine and voxel values.
/// </summary>
public class NiftiNibabelTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Prints {"shape", "dtype", "affine", "intent", "values"} for the file and voxel (i, j, k) triples given as JSON.</summary>
    public const string Script = """
        import json, sys
        import nibabel as nib, numpy as np
        img = nib.load(sys.argv[1])
        data = np.asanyarray(img.dataobj)
        points = json.loads(sys.argv[2])
        print(json.dumps({
            "shape": list(img.shape),
            "dtype": str(img.get_data_dtype()),
            "affine": img.affine.tolist(),
            "intent": img.header.get_intent()[0],
            "values": [float(data[tuple(p)]) for p in points],
        }))
        """;

    private sealed record NibabelView(int[] Shape, string Dtype, double[][] Affine, string Intent, double[] Values);

    private static NibabelView Inspect(string path, int[][] points)
    {
        var (exit, output, error) = NibabelFactAttribute.RunPython(Script, [path, JsonSerializer.Serialize(points)]);
        Assert.True(exit == 0, $"nibabel failed on {path}: {error}");
        return JsonSerializer.Deserialize<NibabelView>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    private static void AssertSameAffine(double[,] ours, double[][] theirs, double tolerance)
    {
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                Assert.True(Math.Abs(ours[r, c] - theirs[r][c]) <= tolerance, $"affine[{r},{c}]: CovidSeg {ours[r, c]}, nibabel {theirs[r][c]}");
    }

    [NibabelFact]
    public void Int16VolumeWithARotatedQformOnly()
    {
        var header = NiftiHeader.Create(5, 4, 3, 0.7, 0.8, 2.5);
        header.SformCode = 0;
        header.QformCode = 1;
        header.PixDim[0] = -1;
        header.QuaternB = 0.1f; header.QuaternC = -0.2f; header.QuaternD = 0.3f;
        header.QOffsetX = -120.5f; header.QOffsetY = 98.25f; header.QOffsetZ = -30;
        var volume = new NiftiVolume(header, Enumerable.Range(0, 60).Select(i => (float)(i * 7 - 500)).ToArray());
        string path = temp.File("ct.nii");
        NiftiWriter.Write(path, volume, NiftiDataType.Int16);

        var view = Inspect(path, [[0, 0, 0], [4, 3, 2], [2, 1, 1], [1, 2, 0]]);

        Assert.Equal(new[] { 5, 4, 3 }, view.Shape);
        Assert.Equal("int16", view.Dtype);
        AssertSameAffine(NiftiReader.Read(path).Affine(), view.Affine, 1e-5);
        Assert.Equal(new double[] { volume[0, 0, 0], volume[4, 3, 2], volume[2, 1, 1], volume[1, 2, 0] }, view.Values);
        Assert.Equal(new double[] { -500, 59 * 7 - 500, 27 * 7 - 500, 11 * 7 - 500 }, view.Values);
    }

    [NibabelFact]
    public void CompressedLabelVolumeLikeAReferenceWithAnSform()
    {
        var reference = NiftiHeader.Create(6, 5, 2, 0.75, 0.75, 5);
        reference.SformCode = 2;
        reference.SRowX = [-0.75f, 0, 0, 190];
        reference.SRowY = [0, -0.75f, 0.1f, 170];
        reference.SRowZ = [0, 0, 5, -250];
        byte[] labels = Enumerable.Range(0, 60).Select(i => (byte)(i * 5 % 4)).ToArray();
        string path = temp.File("mask.nii.gz");
        NiftiWriter.WriteLabelsLike(path, reference, labels);

        var view = Inspect(path, [[0, 0, 0], [5, 4, 1], [3, 2, 1], [1, 0, 0]]);

        Assert.Equal(new[] { 6, 5, 2 }, view.Shape);
        Assert.Equal("uint8", view.Dtype);
        Assert.Equal("label", view.Intent);
        AssertSameAffine(new NiftiVolume(reference, new float[60]).Affine(), view.Affine, 0);
        Assert.Equal(new double[] { labels[0], labels[59], labels[3 + 6 * (2 + 5)], labels[1] }, view.Values);
    }

    [NibabelFact]
    public void TwoDimensionalFloat32()
    {
        float[] values = [-1024.5f, 0.25f, 3.5f, 100f, -7.75f, 1e6f];
        string path = temp.File("slice.nii.gz");
        NiftiWriter.Write(path, NiftiVolume.Create(3, 2, 1, values, 0.6, 0.7), NiftiDataType.Float32);

        var view = Inspect(path, [[0, 0], [2, 1], [1, 1]]);

        Assert.Equal(new[] { 3, 2 }, view.Shape);
        Assert.Equal("float32", view.Dtype);
        Assert.Equal(new double[] { -1024.5, 1e6, -7.75 }, view.Values);
        Assert.Equal(0.6f, (float)view.Affine[0][0]);
        Assert.Equal(0.7f, (float)view.Affine[1][1]);
    }
}

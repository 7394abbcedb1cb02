using CovidSeg.Imaging.Dicom;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// JPEG Lossless (process 14) files made by an independent encoder: pydicom writes a series, dcmtk's dcmcjpeg
/// compresses each file (selection value 1 as transfer syntax .70, or any predictor 1-7 as .57), and every voxel
/// must read back exactly as slope x stored + intercept.
/// </summary>
public class JpegLosslessTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Writes the series with pydicom, compresses every file with dcmcjpeg and returns the compressed folder.</summary>
    private string Compressed(PydicomSeries spec, params string[] options)
    {
        spec.Write();
        string output = temp.File("jpeg");
        Directory.CreateDirectory(output);
        foreach (string file in Directory.GetFiles(spec.Out))
        {
            var (exit, _, error) = ExternalTools.Run(ExternalTools.Dcmcjpeg, [.. options, file, Path.Combine(output, Path.GetFileName(file))]);
            Assert.True(exit == 0, $"dcmcjpeg failed on {file}: {error}");
        }
        return output;
    }

    private static void AssertReadsExactly(string folder, PydicomSeries spec, DicomTransferSyntax syntax)
    {
        var series = DicomSeriesLoader.Load(folder);
        Assert.All(series.Slices, s => Assert.Equal(syntax, s.File.Syntax));
        var volume = series.ToVolume();
        Assert.Equal((spec.Columns, spec.Rows, spec.Slices), (volume.Nx, volume.Ny, volume.Nz));
        for (int i = 0; i < spec.Stored.Length; i++)
            Assert.True(volume.Data[i] == (float)(spec.Slope * spec.Stored[i] + spec.Intercept),
                $"voxel {i}: read {volume.Data[i]}, expected {spec.Slope * spec.Stored[i] + spec.Intercept}");
    }

    private PydicomSeries Spec(int[] stored, int rows, int columns) => new() { Out = temp.File("plain"), Rows = rows, Columns = columns, Stored = stored };

    [DcmcjpegFact]
    public void SelectionValueOneSignedSixteenBitSlopeTwo()
    {
        var spec = Spec(PydicomSeries.Ramp(17, 23, 3, 3000, -1500), 17, 23) with { Slope = 2, Intercept = -1024, Order = "shuffled" };
        AssertReadsExactly(Compressed(spec), spec, DicomTransferSyntax.JpegLosslessFirstOrder);
    }

    [DcmcjpegFact]
    public void EveryPredictorOnUnsignedTwelveBit()
    {
        var stored = PydicomSeries.Ramp(16, 19, 2, 4096, 0);
        stored[5] = 4095; // the largest value and a jump from its neighbours
        stored[6] = 0;
        foreach (int predictor in new[] { 1, 2, 3, 4, 5, 6, 7 })
        {
            var spec = Spec(stored, 16, 19) with { Out = temp.File($"plain{predictor}"), Signed = false, BitsStored = 12, Intercept = -1024 };
            string folder = Compressed(spec, "+el", "+sv", predictor.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AssertReadsExactly(folder, spec, DicomTransferSyntax.JpegLossless);
            Directory.Delete(folder, recursive: true);
        }
    }

    [DcmcjpegFact]
    public void EightBitUnsigned()
    {
        var spec = Spec(PydicomSeries.Ramp(9, 11, 2, 256, 0), 9, 11) with { BitsAllocated = 8, BitsStored = 8, Signed = false, Slope = 4, Intercept = -1024 };
        AssertReadsExactly(Compressed(spec), spec, DicomTransferSyntax.JpegLosslessFirstOrder);
    }

    [DcmcjpegFact]
    public void ACorruptScanIsRefusedNamingTheFile()
    {
        var spec = Spec(PydicomSeries.Ramp(17, 23, 1, 3000, -1500), 17, 23);
        string file = Directory.GetFiles(Compressed(spec)).Single();
        var bytes = File.ReadAllBytes(file);
        // Cut the frame short inside the scan, keeping the DICOM structure valid: shorten the file and the fragment and sequence ends.
        int sos = LastIndexOf(bytes, [0xFF, 0xDA]);
        var truncated = bytes[..(sos + 40)];
        int fragmentLength = truncated.Length - FragmentStart(bytes);
        BitConverter.GetBytes(fragmentLength).CopyTo(truncated, FragmentStart(bytes) - 4);
        File.WriteAllBytes(file, [.. truncated, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        var e = Assert.Throws<InvalidInputException>(() => DicomSeriesLoader.Load(file).ToVolume());
        Assert.Equal(file, e.InputPath);
        Assert.Equal("JPEG data end in the middle of the scan (truncated frame)", e.Problem);
    }

    private static int LastIndexOf(byte[] data, byte[] pattern)
    {
        for (int i = data.Length - pattern.Length; i >= 0; i--)
            if (data.AsSpan(i, pattern.Length).SequenceEqual(pattern)) return i;
        throw new InvalidOperationException("pattern not found");
    }

    /// <summary>Start of the frame's fragment: after the last item tag (FFFE,E000) and its length, which precede the JPEG start (FFD8).</summary>
    private static int FragmentStart(byte[] data) => LastIndexOf(data, [0xFE, 0xFF, 0x00, 0xE0]) + 8;
}

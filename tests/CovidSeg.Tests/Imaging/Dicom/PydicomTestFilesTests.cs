using CovidSeg.Imaging.Dicom;
using Xunit.Abstractions;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// Real-world files shipped with pydicom (its test_files folder, from scanners and other toolkits): CovidSeg reads
/// the ones it supports to the same values pydicom decodes, and every other file ends in an
/// <see cref="InvalidInputException"/> naming it, never in another exception.
/// </summary>
public class PydicomTestFilesTests(ITestOutputHelper output)
{
    private static string FileNamed(string name) => Path.Combine(PydicomTestFiles.Folder, name);

    /// <summary>What CovidSeg makes of one file: "read N frames", or the first line of its refusal.</summary>
    private static string Outcome(string path)
    {
        try
        {
            var file = DicomFileReader.Read(path);
            if (!file.Dataset.Contains(DicomTags.PixelData)) return "read, no pixel data";
            var frames = DicomSliceReader.Frames(file);
            foreach (var frame in frames) DicomPixelDecoder.DecodeInto(frame, new float[frame.Rows * frame.Columns]);
            return $"read {frames.Count} frame(s)";
        }
        catch (InvalidInputException e)
        {
            Assert.Equal(path, e.InputPath);
            Assert.DoesNotContain('\n', e.Message);
            return "refused: " + e.Problem;
        }
    }

    [PydicomTestFilesFact]
    public void EveryFileIsReadOrRefusedWithItsName()
    {
        var outcomes = Directory.GetFiles(PydicomTestFiles.Folder, "*.dcm").Order(StringComparer.Ordinal)
            .ToDictionary(p => Path.GetFileName(p), Outcome);
        foreach (var (name, outcome) in outcomes) output.WriteLine($"{name}: {outcome}");
        Assert.Equal("read 1 frame(s)", outcomes["CT_small.dcm"]);
        Assert.Equal("read 1 frame(s)", outcomes["MR_small_RLE.dcm"]);
        Assert.Equal("refused: element (7FE0,0010) at byte 1488 says its value is 8192 bytes but only 8130 remain (truncated or corrupt file)", outcomes["MR_truncated.dcm"]);
        Assert.StartsWith("refused: transfer syntax 1.2.840.10008.1.2.2 (Explicit VR Big Endian) is not supported", outcomes["MR_small_bigendian.dcm"]);
        Assert.StartsWith("refused: transfer syntax 1.2.840.10008.1.2.4.80 (JPEG-LS Lossless) is not supported", outcomes["MR_small_jpeg_ls_lossless.dcm"]);
        Assert.Equal("refused: Number of Frames (0028,0008) value \"1A\" is not an integer", outcomes["badVR.dcm"]);
    }

    /// <summary>pydicom's values (stored samples through its pixel handlers, times slope plus intercept) for one file.</summary>
    private static float[] PydicomValues(string path)
    {
        string text = ExternalTools.RunPython(
            "import sys, pydicom; d = pydicom.dcmread(sys.argv[1]); " +
            "print(' '.join(repr(float(v) * float(d.get('RescaleSlope', 1)) + float(d.get('RescaleIntercept', 0))) for v in d.pixel_array.ravel()))", path);
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => (float)double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    [PydicomTestFilesTheory]
    [InlineData("CT_small.dcm")]        // a GE CT slice, explicit VR, signed 16-bit, rescale intercept -1024
    [InlineData("MR_small.dcm")]        // explicit VR
    [InlineData("MR_small_implicit.dcm")]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("MR_small_padded.dcm")] // pixel data with trailing padding
    public void ValuesEqualPydicoms(string name)
    {
        string path = FileNamed(name);
        var slice = DicomSliceReader.Read(path);
        var ours = new float[slice.Rows * slice.Columns];
        DicomPixelDecoder.DecodeInto(slice, ours);
        Assert.Equal(PydicomValues(path), ours);
    }
}

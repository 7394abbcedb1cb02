using System.Text.Json;
using System.Text.Json.Serialization;

namespace CovidSeg.Tests.Imaging.Dicom;

/// <summary>
/// A CT series for write_series.py (pydicom) to write: stored sample values (slice, row, column order, slice 0 at
/// <see cref="Origin"/> and slice z at Origin + z x Gap x normal) and how to encode and name the files.
/// </summary>
public sealed record PydicomSeries
{
    [JsonPropertyName("out")] public required string Out { get; init; }
    [JsonPropertyName("rows")] public int Rows { get; init; } = 3;
    [JsonPropertyName("cols")] public int Columns { get; init; } = 4;
    [JsonPropertyName("stored")] public required int[] Stored { get; init; }
    [JsonPropertyName("row_dir")] public double[] RowDirection { get; init; } = [1, 0, 0];
    [JsonPropertyName("col_dir")] public double[] ColumnDirection { get; init; } = [0, 1, 0];
    [JsonPropertyName("origin")] public double[] Origin { get; init; } = [-10, 20, 30];
    [JsonPropertyName("gap")] public double Gap { get; init; } = 2.5;
    [JsonPropertyName("pixel_spacing")] public double[] PixelSpacing { get; init; } = [0.8, 0.7];
    [JsonPropertyName("slope")] public double Slope { get; init; } = 1;
    [JsonPropertyName("intercept")] public double Intercept { get; init; }
    [JsonPropertyName("bits_allocated")] public int BitsAllocated { get; init; } = 16;
    [JsonPropertyName("bits_stored")] public int BitsStored { get; init; } = 16;
    [JsonPropertyName("signed")] public bool Signed { get; init; } = true;
    [JsonPropertyName("photometric")] public string Photometric { get; init; } = "MONOCHROME2";
    [JsonPropertyName("implicit")] public bool Implicit { get; init; }
    [JsonPropertyName("rle")] public bool Rle { get; init; }
    [JsonPropertyName("order")] public string Order { get; init; } = "sorted";
    [JsonPropertyName("extension")] public string Extension { get; init; } = ".dcm";
    [JsonPropertyName("series_uid")] public string SeriesUid { get; init; } = "1.2.826.0.1.3680043.13.2";
    [JsonPropertyName("study_uid")] public string StudyUid { get; init; } = "1.2.826.0.1.3680043.13.1";
    [JsonPropertyName("frame_uid")] public string FrameUid { get; init; } = "1.2.826.0.1.3680043.13.3";
    [JsonPropertyName("modality")] public string Modality { get; init; } = "CT";
    [JsonPropertyName("description")] public string Description { get; init; } = "chest";
    [JsonPropertyName("subfolders")] public bool Subfolders { get; init; }
    [JsonPropertyName("multiframe")] public bool MultiFrame { get; init; }

    public int Slices => Stored.Length / (Rows * Columns);

    /// <summary>Runs write_series.py (copied beside the test assembly) on this spec.</summary>
    public string Write()
    {
        string spec = Path.Combine(Path.GetTempPath(), "covidseg-series-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(spec, JsonSerializer.Serialize(this));
        try
        {
            string script = Path.Combine(AppContext.BaseDirectory, "Imaging", "Dicom", "write_series.py");
            var (exit, _, error) = ExternalTools.Run(ExternalTools.Python, [script, spec]);
            Assert.True(exit == 0, $"write_series.py failed: {error}");
            return Out;
        }
        finally
        {
            File.Delete(spec);
        }
    }

    /// <summary>Stored values that differ at every voxel: (7 x column + 13 x row + 31 x slice) mod <paramref name="modulus"/> + <paramref name="offset"/>.</summary>
    public static int[] Ramp(int rows, int columns, int slices, int modulus, int offset)
    {
        var values = new int[rows * columns * slices];
        for (int z = 0; z < slices; z++)
            for (int y = 0; y < rows; y++)
                for (int x = 0; x < columns; x++)
                    values[x + columns * (y + rows * z)] = (7 * x + 13 * y + 31 * z) % modulus + offset;
        return values;
    }
}

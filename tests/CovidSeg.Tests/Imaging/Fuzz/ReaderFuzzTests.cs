using System.Diagnostics;
using System.IO.Compression;
using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using SkiaSharp;
using Xunit.Abstractions;
using CovidSeg.Labels;

namespace CovidSeg.Tests.Imaging.Fuzz;

/// <summary>
/// Seeded, time-bounded mutation fuzzing of the PNG, JPEG and NIfTI readers: valid files of each kind are damaged by
/// <see cref="ByteMutator"/> and read. Every case must end in the project's own error type or a valid image; any
/// other exception, a read that takes longer than <see cref="CaseTimeout"/>, or one that allocates more than
/// <see cref="MaxManagedBytesPerCase"/> fails the test, naming the seed, the case and the mutation, so it can be
/// replayed. COVIDSEG_FUZZ_SEED and COVIDSEG_FUZZ_SECONDS try other seeds or search longer.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    public const int DefaultSeed = 20261201;
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(20);
    private const int MaxCases = 20_000;
    /// <summary>The pixel limit passed to the image readers: mutated sizes up to 1 megapixel are decoded.</summary>
    private const long MaxPixels = 1 << 20;
    private const long MaxManagedBytesPerCase = 64L << 20;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>One kind of valid input: its bytes, file name, and whether it is a PNG (checksums repaired after damage).</summary>
    private sealed record Seed(string Name, string FileName, byte[] Bytes, bool Png, bool Gzip = false);

    private static IReadOnlyList<Seed> Seeds(TempFolder folder)
    {
        var ramp = Enumerable.Range(0, 16 * 12).Select(i => (byte)(i * 7)).ToArray();
        var jpegGrey = folder.File("grey.jpg");
        ImageFileTests.WriteJpeg(jpegGrey, 16, 12, SKColorType.Gray8, ramp);
        var jpegColour = folder.File("colour.jpg");
        ImageFileTests.WriteJpeg(jpegColour, 16, 12, SKColorType.Rgba8888, Enumerable.Range(0, 16 * 12 * 4).Select(i => (byte)(i * 13)).ToArray());
        var rgbRows = Enumerable.Range(0, 12).Select(y => Enumerable.Range(0, 16 * 3).Select(x => (byte)(x * y)).ToArray()).ToArray();
        var nifti = new HandBuiltNifti().Dims(8, 6, 3).DataType(4, 16).PixDim(1, 0.7f, 0.7f, 2.5f)
            .Int16Data(Enumerable.Range(0, 8 * 6 * 3).Select(i => (short)(i * 17 - 1000)).ToArray());
        byte[] niftiBytes = File.ReadAllBytes(nifti.WriteTo(folder.File("ct.nii")));
        return
        [
            new("png grey 8-bit", "a.png", HandMadePng.Grey8(16, 12, ramp.Select(b => (byte)(b % 4)).ToArray()), Png: true),
            new("png grey 16-bit", "b.png", HandMadePng.Grey16(16, 12, ramp.Select(b => (ushort)(b * 200)).ToArray(), filter: 4), Png: true),
            new("png palette", "c.png", HandMadePng.Palette8(16, 12, ramp.Select(b => (byte)(b % 3)).ToArray(), [0, 0, 0, 255, 0, 0, 0, 255, 0]), Png: true),
            new("png rgb", "d.png", HandMadePng.Build(16, 12, 8, 2, rgbRows, filter: 1), Png: true),
            new("jpeg grey", "e.jpg", File.ReadAllBytes(jpegGrey), Png: false),
            new("jpeg colour", "f.jpg", File.ReadAllBytes(jpegColour), Png: false),
            new("nifti int16", "g.nii", niftiBytes, Png: false),
            new("nifti int16 gzip", "h.nii.gz", niftiBytes, Png: false, Gzip: true),
        ];
    }

    [Fact]
    public async Task DamagedFilesEndInTheProjectsErrorOrAValidImage()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("COVIDSEG_FUZZ_SEED"), out int s) ? s : DefaultSeed;
        bool longer = double.TryParse(Environment.GetEnvironmentVariable("COVIDSEG_FUZZ_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out double seconds);
        // The suite's run stops at MaxCases as well, so it is the same on a fast machine; a longer search has no cap.
        var summary = await Run(seed, longer ? TimeSpan.FromSeconds(seconds) : DefaultBudget, longer ? int.MaxValue : MaxCases);
        output.WriteLine(summary.ToString());
        Assert.True(summary.Cases >= summary.Seeds, $"only {summary.Cases} cases ran");
    }

    /// <summary>What a fuzz run did: cases per outcome, and the largest managed allocation of one case.</summary>
    public sealed record FuzzSummary(int Seed, int Seeds, int Cases, int Refused, int Read, long MaxAllocatedBytes, TimeSpan Elapsed)
    {
        public override string ToString() =>
            $"seed {Seed}: {Cases} damaged files in {Elapsed.TotalSeconds:F1} s: {Refused} refused with CovidSegException, {Read} read as valid images; " +
            $"largest managed allocation of one read {MaxAllocatedBytes / (1 << 20):F1} MiB";
    }

    /// <summary>Runs cases round-robin over the seed files until <paramref name="budget"/> or <paramref name="maxCases"/>.</summary>
    public static async Task<FuzzSummary> Run(int seed, TimeSpan budget, int maxCases)
    {
        using var folder = new TempFolder();
        var seeds = Seeds(folder);
        var mutator = new ByteMutator(seed);
        var clock = Stopwatch.StartNew();
        int cases = 0, refused = 0, read = 0;
        long maxAllocated = 0;
        while (cases < maxCases && (clock.Elapsed < budget || cases < seeds.Count))
        {
            var source = seeds[cases % seeds.Count];
            var (bytes, description) = mutator.Mutate(source.Bytes);
            if (source.Png && mutator.Next(10) < 7) PngChecksums.Repair(bytes);
            if (source.Gzip) bytes = Gzip(bytes);
            string path = folder.File(source.FileName);
            await File.WriteAllBytesAsync(path, bytes);
            string where = $"seed {seed}, case {cases} ({source.Name}: {description})";

            var attempt = Task.Run(() => ReadAll(path, source));
            (bool Valid, long Allocated) result;
            try
            {
                result = await attempt.WaitAsync(CaseTimeout);
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"{where}: no answer within {CaseTimeout.TotalSeconds} s; bytes (base64): {Convert.ToBase64String(bytes)}");
            }
            catch (Exception e) when (e is not CovidSegException)
            {
                throw new Xunit.Sdk.XunitException($"{where}: {e.GetType().Name}: {e.Message}; bytes (base64): {Convert.ToBase64String(bytes)}");
            }
            if (result.Allocated > MaxManagedBytesPerCase)
                throw new Xunit.Sdk.XunitException($"{where}: allocated {result.Allocated} bytes; bytes (base64): {Convert.ToBase64String(bytes)}");
            maxAllocated = Math.Max(maxAllocated, result.Allocated);
            if (result.Valid) read++; else refused++;
            cases++;
        }
        return new FuzzSummary(seed, seeds.Count, cases, refused, read, maxAllocated, clock.Elapsed);
    }

    /// <summary>Reads the file with every reader that takes its kind; false when one refused it with the project's error.</summary>
    private static (bool Valid, long Allocated) ReadAll(string path, Seed source)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool valid = true;
        try
        {
            if (NiftiFileName.IsNifti(path))
            {
                var volume = NiftiReader.Read(path);
                Check(volume.Data.Length == volume.VoxelCount, "voxel count");
            }
            else
            {
                var grey = ImageFile.ReadGrey(path, MaxPixels);
                Check(grey.Pixels.Length == grey.Width * grey.Height && grey.Pixels.All(float.IsFinite), "grey pixels");
            }
        }
        catch (CovidSegException)
        {
            valid = false;
        }
        if (source.Png)
        {
            try
            {
                var mask = ImageFile.ReadLabels(path, LabelSet.MedSeg, MaxPixels);
                Check(mask.Labels.Length == mask.Width * mask.Height && mask.Labels.All(l => l < LabelSet.MedSeg.Count), "labels");
            }
            catch (CovidSegException)
            {
                valid = false;
            }
        }
        return (valid, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"a read succeeded with inconsistent {what}");
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }
}

using System.Buffers.Binary;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// Turns the stored samples of a <see cref="DicomSlice"/> into Hounsfield units: decode (native, RLE or JPEG Lossless), keep the
/// stored bits, sign-extend, then value = Rescale Slope x sample + Rescale Intercept (the Modality LUT, PS3.3 C.11.1).
/// </summary>
public static class DicomPixelDecoder
{
    /// <summary>Writes Rows x Columns values, row by row (column fastest), into <paramref name="into"/>.</summary>
    public static void DecodeInto(DicomSlice slice, Span<float> into)
    {
        int pixels = slice.Rows * slice.Columns;
        if (into.Length != pixels) throw new ArgumentException($"destination holds {into.Length} values, the image has {pixels}");
        var element = slice.Dataset.Find(DicomTags.PixelData) ?? throw slice.Dataset.Problem("no Pixel Data (7FE0,0010)");
        var format = slice.Format;
        ReadOnlySpan<byte> raw;
        var compression = slice.File.Syntax.Compression;
        if (compression != PixelCompression.None)
        {
            if (element.Fragments is not { } fragments)
                throw slice.Dataset.Problem($"transfer syntax is {slice.File.Syntax.Name} but Pixel Data is not encapsulated");
            // One fragment per frame in multi-frame files; a single frame may be split over several.
            var frame = slice.FrameCount > 1 ? fragments[slice.Frame].ToArray() : Concatenate(fragments);
            var decoded = new byte[pixels * format.BytesPerSample];
            if (compression == PixelCompression.Rle)
            {
                RleDecoder.DecodeFrame(frame, pixels, format.BytesPerSample, decoded, slice.Path);
            }
            else
            {
                var samples = new ushort[pixels];
                JpegLosslessDecoder.DecodeFrame(frame, slice.Rows, slice.Columns, samples, slice.Path);
                if (format.BytesPerSample == 1)
                    for (int i = 0; i < pixels; i++) decoded[i] = (byte)samples[i];
                else
                    for (int i = 0; i < pixels; i++) BinaryPrimitives.WriteUInt16LittleEndian(decoded.AsSpan(2 * i), samples[i]);
            }
            raw = decoded;
        }
        else
        {
            if (element.Fragments is not null) throw slice.Dataset.Problem($"Pixel Data is encapsulated but the transfer syntax is {slice.File.Syntax.Name}");
            int frameBytes = pixels * format.BytesPerSample;
            raw = element.Value.Span.Slice(slice.Frame * frameBytes, frameBytes);
        }

        double slope = slice.Slope, intercept = slice.Intercept;
        if (format.BytesPerSample == 1)
        {
            for (int i = 0; i < pixels; i++) into[i] = (float)(slope * format.Sample(raw[i]) + intercept);
        }
        else
        {
            for (int i = 0; i < pixels; i++)
                into[i] = (float)(slope * format.Sample(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..])) + intercept);
        }
    }

    /// <summary>One frame's fragments joined (an RLE frame may be split over several fragments, PS3.5 A.4).</summary>
    private static byte[] Concatenate(IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        if (fragments.Count == 1) return fragments[0].ToArray();
        var joined = new byte[fragments.Sum(f => (long)f.Length)];
        int at = 0;
        foreach (var f in fragments)
        {
            f.Span.CopyTo(joined.AsSpan(at));
            at += f.Length;
        }
        return joined;
    }
}

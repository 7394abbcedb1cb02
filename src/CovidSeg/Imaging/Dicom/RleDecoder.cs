namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// RLE Lossless (PS3.5 Annex G): a 64-byte header (segment count, then up to 15 byte offsets), then one PackBits
/// segment per byte plane, most significant plane first. Each segment must decode to exactly one byte per pixel;
/// a shorter or overrunning segment is an error, so a crafted file cannot write past the frame.
/// </summary>
public static class RleDecoder
{
    private const int HeaderBytes = 64;

    /// <summary>Decodes one frame into <paramref name="output"/> as little-endian samples of <paramref name="bytesPerSample"/> bytes.</summary>
    public static void DecodeFrame(ReadOnlySpan<byte> frame, int pixels, int bytesPerSample, Span<byte> output, string path)
    {
        if (frame.Length < HeaderBytes) throw new InvalidInputException(path, $"RLE frame is {frame.Length} bytes, shorter than its 64-byte header");
        uint segments = BitConverter.ToUInt32(frame[..4]);
        if (segments != bytesPerSample)
            throw new InvalidInputException(path, $"RLE frame has {segments} segments; {bytesPerSample * 8}-bit greyscale needs {bytesPerSample}");
        // PackBits expands at most 64-fold (2 bytes give a run of 128), so a frame can be too small to hold the image.
        if ((long)frame.Length * 64 < (long)pixels * bytesPerSample)
            throw new InvalidInputException(path, $"RLE frame of {frame.Length} bytes cannot hold {pixels} pixels; Rows x Columns is wrong or the data are cut short");
        for (int s = 0; s < segments; s++)
        {
            uint start = BitConverter.ToUInt32(frame.Slice(4 + 4 * s, 4));
            uint end = s + 1 < segments ? BitConverter.ToUInt32(frame.Slice(8 + 4 * s, 4)) : (uint)frame.Length;
            if (start < HeaderBytes || end > frame.Length || start > end)
                throw new InvalidInputException(path, $"RLE segment {s + 1} spans bytes {start}..{end} of a {frame.Length}-byte frame");
            // Segment 0 holds the most significant bytes; little-endian output puts them last.
            int plane = bytesPerSample - 1 - s;
            DecodeSegment(frame[(int)start..(int)end], pixels, output, plane, bytesPerSample, s + 1, path);
        }
    }

    private static void DecodeSegment(ReadOnlySpan<byte> data, int pixels, Span<byte> output, int plane, int stride, int number, string path)
    {
        int written = 0, i = 0;
        while (written < pixels && i < data.Length)
        {
            int n = (sbyte)data[i++];
            if (n >= 0)
            {
                int count = n + 1;
                if (i + count > data.Length || written + count > pixels)
                    throw new InvalidInputException(path, $"RLE segment {number}: a literal run of {count} bytes overruns the data or the frame");
                for (int k = 0; k < count; k++) output[(written + k) * stride + plane] = data[i + k];
                i += count;
                written += count;
            }
            else if (n != -128)
            {
                int count = 1 - n;
                if (i >= data.Length || written + count > pixels)
                    throw new InvalidInputException(path, $"RLE segment {number}: a repeat run of {count} bytes overruns the data or the frame");
                byte value = data[i++];
                for (int k = 0; k < count; k++) output[(written + k) * stride + plane] = value;
                written += count;
            }
        }
        if (written < pixels) throw new InvalidInputException(path, $"RLE segment {number} decodes to {written} bytes; the frame has {pixels} pixels");
    }
}

namespace CovidSeg.Imaging.Dicom;

/// <summary>How a transfer syntax stores pixel samples: plainly, or encapsulated and compressed by one of the decoders here.</summary>
public enum PixelCompression
{
    None,
    /// <summary>RLE Lossless (PS3.5 Annex G), <see cref="RleDecoder"/>.</summary>
    Rle,
    /// <summary>JPEG Lossless, process 14 (ITU-T T.81 Annex H), <see cref="JpegLosslessDecoder"/>.</summary>
    JpegLossless,
}

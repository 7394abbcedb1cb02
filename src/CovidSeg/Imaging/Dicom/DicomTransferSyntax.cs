namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// How a file's data set and pixels are encoded (PS3.5 10 and Annex A). CovidSeg reads the two uncompressed little
/// endian syntaxes, RLE Lossless and JPEG Lossless (process 14); for any other it says which one it met and how to
/// convert the file.
/// </summary>
public sealed record DicomTransferSyntax(string Uid, string Name, bool ExplicitVr, PixelCompression Compression)
{
    public const string ImplicitVrLittleEndianUid = "1.2.840.10008.1.2";
    public const string ExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1";
    public const string RleLosslessUid = "1.2.840.10008.1.2.5";
    public const string JpegLosslessUid = "1.2.840.10008.1.2.4.57";
    public const string JpegLosslessFirstOrderUid = "1.2.840.10008.1.2.4.70";

    public static DicomTransferSyntax ImplicitVrLittleEndian { get; } = new(ImplicitVrLittleEndianUid, "Implicit VR Little Endian", false, PixelCompression.None);
    public static DicomTransferSyntax ExplicitVrLittleEndian { get; } = new(ExplicitVrLittleEndianUid, "Explicit VR Little Endian", true, PixelCompression.None);
    public static DicomTransferSyntax RleLossless { get; } = new(RleLosslessUid, "RLE Lossless", true, PixelCompression.Rle);
    public static DicomTransferSyntax JpegLossless { get; } = new(JpegLosslessUid, "JPEG Lossless, Non-Hierarchical (Process 14)", true, PixelCompression.JpegLossless);
    public static DicomTransferSyntax JpegLosslessFirstOrder { get; } =
        new(JpegLosslessFirstOrderUid, "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1)", true, PixelCompression.JpegLossless);

    /// <summary>Pixel data are encapsulated in fragments (PS3.5 A.4) rather than stored as plain samples.</summary>
    public bool Encapsulated => Compression != PixelCompression.None;

    /// <summary>Names of syntaxes that are refused, so the message says what the file is (PS3.6 Table A-1).</summary>
    private static readonly Dictionary<string, string> Refused = new()
    {
        ["1.2.840.10008.1.2.1.99"] = "Deflated Explicit VR Little Endian",
        ["1.2.840.10008.1.2.2"] = "Explicit VR Big Endian",
        ["1.2.840.10008.1.2.4.50"] = "JPEG Baseline (Process 1)",
        ["1.2.840.10008.1.2.4.51"] = "JPEG Extended (Process 2 & 4)",
        ["1.2.840.10008.1.2.4.80"] = "JPEG-LS Lossless",
        ["1.2.840.10008.1.2.4.81"] = "JPEG-LS Lossy (Near-Lossless)",
        ["1.2.840.10008.1.2.4.90"] = "JPEG 2000 Image Compression (Lossless Only)",
        ["1.2.840.10008.1.2.4.91"] = "JPEG 2000 Image Compression",
        ["1.2.840.10008.1.2.4.201"] = "High-Throughput JPEG 2000 (Lossless Only)",
        ["1.2.840.10008.1.2.4.203"] = "High-Throughput JPEG 2000",
    };

    /// <summary>The syntax named by <paramref name="uid"/>; anything CovidSeg cannot decode is an error naming it and a converter.</summary>
    public static DicomTransferSyntax Of(string uid, string path)
    {
        switch (uid)
        {
            case ImplicitVrLittleEndianUid: return ImplicitVrLittleEndian;
            case ExplicitVrLittleEndianUid: return ExplicitVrLittleEndian;
            case RleLosslessUid: return RleLossless;
            case JpegLosslessUid: return JpegLossless;
            case JpegLosslessFirstOrderUid: return JpegLosslessFirstOrder;
        }
        string name = Refused.TryGetValue(uid, out string? known) ? known : "an unknown transfer syntax";
        throw new InvalidInputException(path,
            $"transfer syntax {uid} ({name}) is not supported; only Implicit/Explicit VR Little Endian, RLE Lossless and JPEG Lossless (process 14) are read. " +
            $"Convert it first, e.g. `gdcmconv --raw IN OUT` (Debian libgdcm-tools) or `dcmdjpeg IN OUT` (dcmtk)");
    }
}

using System.Numerics;

namespace CovidSeg.Imaging.Dicom;

/// <summary>
/// UIDs under the 2.25 root (PS3.5 B.2): "2.25." followed by a random (version 4) UUID read as one unsigned
/// 128-bit decimal number, so no organisation root is needed and collisions are as unlikely as UUID collisions.
/// </summary>
public static class DicomUid
{
    /// <summary>CovidSeg's Implementation Class UID (file meta 0002,0012): a UUID drawn once for this project.</summary>
    public const string ImplementationClassUid = "2.25.45290112168154384604346126710909360652";

    public static string New() => FromGuid(Guid.NewGuid());

    public static string FromGuid(Guid guid) =>
        "2.25." + new BigInteger(guid.ToByteArray(bigEndian: true), isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

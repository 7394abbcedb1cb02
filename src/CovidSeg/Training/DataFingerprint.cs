using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CovidSeg.Data;

namespace CovidSeg.Training;

/// <summary>SHA-256 over the ids, pixels and labels of the samples a run used, so a resume or a report can tell
/// whether the data changed underneath it.</summary>
public sealed class DataFingerprint
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(SegmentationSample sample)
    {
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(sample.Id + "\n"));
        hash.AppendData(BitConverter.GetBytes(sample.Image.Width));
        hash.AppendData(BitConverter.GetBytes(sample.Image.Height));
        hash.AppendData(MemoryMarshal.AsBytes(sample.Image.Pixels.AsSpan()));
        hash.AppendData(sample.Mask.Labels);
    }

    public string Finish() => "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
}

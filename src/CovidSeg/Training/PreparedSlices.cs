using CovidSeg.Data;
using CovidSeg.Imaging;

namespace CovidSeg.Training;

/// <summary>
/// Samples of a data set prepared once for the network (see <see cref="Preprocessing"/>), with their original masks
/// kept for metrics at the original size. Every epoch reuses them; disposing releases the tensors.
/// </summary>
public sealed class PreparedSlices : IDisposable
{
    public List<PreparedSample> Samples { get; } = [];
    public List<LabelMask> Originals { get; } = [];
    public int Count => Samples.Count;
    public IReadOnlyList<string> Ids => Samples.Select(s => s.Id).ToList();

    public static PreparedSlices Load(ISegmentationDataset data, IReadOnlyList<int> indices, PreprocessingOptions options, DataFingerprint? fingerprint)
    {
        var slices = new PreparedSlices();
        try
        {
            foreach (int i in indices)
            {
                var sample = data.Load(i);
                fingerprint?.Add(sample);
                slices.Samples.Add(Preprocessing.Prepare(sample, options));
                slices.Originals.Add(sample.Mask);
            }
        }
        catch
        {
            slices.Dispose();
            throw;
        }
        return slices;
    }

    public void Dispose()
    {
        foreach (var s in Samples) s.Dispose();
        Samples.Clear();
    }
}

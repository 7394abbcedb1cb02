using CovidSeg.Data;
using CovidSeg.Imaging;
using CovidSeg.Imaging.Nifti;
using TorchSharp;
using static TorchSharp.torch;
using CovidSeg.PostProcessing;
using CovidSeg.Runtime;

namespace CovidSeg.Inference;

/// <summary>
/// Turns slices into label masks at their original size with an <see cref="Ensemble"/>: each slice is prepared as in
/// training (<see cref="Preprocessing.ImageToTensor"/>), segmented at the network side, its class probabilities
/// resized back to the slice's width and height and the most probable class taken (<see cref="ScoreRestoration"/>,
/// the path training's validation uses). Slices go through the network in batches, each batch in its own dispose
/// scope, so memory holds one batch of score maps at a time, whatever the number of slices.
/// </summary>
public sealed class Segmenter
{
    /// <summary>One slice per forward pass: the least memory, and on a 2-core CPU no slower than larger batches
    /// (docs/benchmarks.md). libtorch already spreads one slice over all threads.</summary>
    public const int DefaultBatchSize = 1;

    public Segmenter(Ensemble model, int batchSize = DefaultBatchSize)
    {
        if (batchSize < 1) throw new CovidSegException($"batch size must be at least 1, got {batchSize}");
        Model = model;
        BatchSize = batchSize;
    }

    public Ensemble Model { get; }
    public int BatchSize { get; }
    /// <summary>Applied to the class probabilities before the most probable class is taken; null for the plain argmax.</summary>
    public DecisionOffsets? Offsets { get; init; }
    /// <summary>Where the time of every slice segmented so far went.</summary>
    public InferenceClock Clock { get; } = new();

    /// <summary>The label mask of one slice, at its size.</summary>
    public LabelMask Segment(GreyImage slice) => SegmentBatch([slice])[0];

    /// <summary>Label masks of the slices, in order, computed <see cref="BatchSize"/> at a time as they are enumerated.</summary>
    public IEnumerable<LabelMask> SegmentAll(IEnumerable<GreyImage> slices)
    {
        var batch = new List<GreyImage>(BatchSize);
        foreach (var slice in slices)
        {
            batch.Add(slice);
            if (batch.Count < BatchSize) continue;
            foreach (var mask in SegmentBatch(batch)) yield return mask;
            batch.Clear();
        }
        if (batch.Count > 0)
            foreach (var mask in SegmentBatch(batch)) yield return mask;
    }

    /// <summary>
    /// The label volume (x fastest, like the input) of every axial slice of <paramref name="volume"/>, slice z being
    /// voxels (x, y, z) (<see cref="NiftiSlices"/>); only one batch of slices and scores is in memory at a time.
    /// <paramref name="sliceDone"/> is told how many slices are finished.
    /// </summary>
    public byte[] SegmentVolume(NiftiVolume volume, IntensityScale scale, Action<int>? sliceDone = null)
    {
        int plane = volume.Nx * volume.Ny;
        var labels = new byte[(long)plane * volume.Nz];
        for (int z0 = 0; z0 < volume.Nz; z0 += BatchSize)
        {
            int count = Math.Min(BatchSize, volume.Nz - z0);
            var slices = Enumerable.Range(z0, count).Select(z => NiftiSlices.Image(volume, z, scale)).ToList();
            var masks = SegmentBatch(slices);
            NiftiSlices.StackLabels(masks, volume.Nx, volume.Ny).CopyTo(labels, (long)z0 * plane);
            sliceDone?.Invoke(z0 + count);
        }
        return labels;
    }

    /// <summary>One forward pass over up to <see cref="BatchSize"/> slices.</summary>
    public IReadOnlyList<LabelMask> SegmentBatch(IReadOnlyList<GreyImage> slices)
    {
        using var pause = CollectionPause.Enter();
        using var scope = NewDisposeScope();
        var scores = Model.Scores(slices, Clock);
        return Clock.TimeRestore(() =>
        {
            var masks = new LabelMask[slices.Count];
            for (int i = 0; i < slices.Count; i++)
            {
                using var one = NewDisposeScope();
                masks[i] = Model.Kind == ScoreKind.Logits
                    ? ScoreRestoration.LogitsToLabels(scores[i], slices[i].Width, slices[i].Height, Offsets)
                    : ScoreRestoration.RestoreLabels(scores[i], slices[i].Height, slices[i].Width, ScoreKind.Probabilities, Offsets);
            }
            return masks;
        });
    }
}

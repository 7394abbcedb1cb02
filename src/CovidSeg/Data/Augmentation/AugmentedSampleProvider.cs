using static TorchSharp.torch;
using CovidSeg.Runtime;

namespace CovidSeg.Data.Augmentation;

/// <summary>
/// What the training loop draws from each epoch: the prepared training samples, expanded by the paper's six fixed
/// variants (<see cref="AugmentationMode.Paper"/>), varied at random (<see cref="AugmentationMode.Online"/>, seeded
/// by (seed, epoch, index)), or as they are (<see cref="AugmentationMode.None"/>). The visiting order is shuffled
/// with a seed derived from (seed, epoch). Every returned sample holds new tensors the caller disposes.
/// <para>
/// Only training samples belong here: the cross-validation caller splits first (<see cref="DataSplit"/>,
/// <see cref="KFoldSplit"/>), prepares its validation ids with <see cref="Preprocessing.Prepare(ISegmentationDataset, IEnumerable{int}, PreprocessingOptions)"/>
/// and never passes them in. <see cref="ForTraining"/> enforces this by refusing any validation id.
/// </para>
/// </summary>
public sealed class AugmentedSampleProvider
{
    private readonly IReadOnlyList<PreparedSample> samples;
    private readonly OnlineAugmentationOptions online;
    private readonly HeavyAugmentationOptions heavy = new HeavyAugmentationOptions().Validate();

    public AugmentationMode Mode { get; }
    public int Seed { get; }
    public int BaseCount => this.samples.Count;

    /// <summary>Samples per epoch: six per slice in paper mode, one otherwise.</summary>
    public int SamplesPerEpoch => Mode == AugmentationMode.Paper ? this.samples.Count * PaperAugmentation.VariantCount : this.samples.Count;

    /// <param name="trainingSamples">Prepared training samples; they stay owned by the caller and are never modified.</param>
    /// <param name="mode">How to expand or vary them.</param>
    /// <param name="seed">Seed of the shuffles and of the online random variants.</param>
    /// <param name="online">Ranges for <see cref="AugmentationMode.Online"/>; defaults when null.</param>
    public AugmentedSampleProvider(IReadOnlyList<PreparedSample> trainingSamples, AugmentationMode mode, int seed, OnlineAugmentationOptions? online = null)
    {
        if (trainingSamples.Count == 0) throw new ArgumentException("no training samples to draw from");
        this.samples = trainingSamples;
        Mode = mode;
        Seed = seed;
        this.online = (online ?? new OnlineAugmentationOptions()).Validate();
    }

    /// <summary>As the constructor, but throws if any sample is a validation id of <paramref name="split"/>.</summary>
    public static AugmentedSampleProvider ForTraining(IReadOnlyList<PreparedSample> trainingSamples, DataSplit split, AugmentationMode mode, int seed, OnlineAugmentationOptions? online = null)
    {
        var validation = new HashSet<string>(split.ValidationIds, StringComparer.Ordinal);
        var leaked = trainingSamples.FirstOrDefault(s => validation.Contains(s.Id));
        if (leaked is not null) throw new ArgumentException($"sample '{leaked.Id}' is a validation sample and must not be trained on or augmented");
        return new AugmentedSampleProvider(trainingSamples, mode, seed, online);
    }

    /// <summary>Sample <paramref name="index"/> (0..SamplesPerEpoch-1) of epoch <paramref name="epoch"/>, in unshuffled order.</summary>
    public PreparedSample Get(int epoch, int index)
    {
        if (index < 0 || index >= SamplesPerEpoch) throw new ArgumentOutOfRangeException(nameof(index), $"index must be 0..{SamplesPerEpoch - 1}, got {index}");
        switch (Mode)
        {
            case AugmentationMode.Paper:
                return PaperAugmentation.Variant(this.samples[index / PaperAugmentation.VariantCount], index % PaperAugmentation.VariantCount);
            case AugmentationMode.Online:
                return OnlineAugmentation.Apply(this.samples[index], new Random(SeedMixer.Mix(Seed, epoch, index)), this.online);
            case AugmentationMode.Heavy:
                return HeavyAugmentation.Apply(this.samples[index], new Random(SeedMixer.Mix(Seed, epoch, index)), this.heavy);
            default:
                var s = this.samples[index];
                return new PreparedSample(s.Id, s.Image.clone(), s.Mask.clone());
        }
    }

    /// <summary>The visiting order of an epoch: a permutation of 0..SamplesPerEpoch-1 seeded by (seed, epoch).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, SamplesPerEpoch).ToArray();
        new Random(SeedMixer.Mix(Seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>All samples of an epoch, shuffled unless <paramref name="shuffle"/> is false.</summary>
    public IEnumerable<PreparedSample> Epoch(int epoch, bool shuffle = true)
    {
        foreach (int index in shuffle ? Order(epoch) : Enumerable.Range(0, SamplesPerEpoch))
            yield return Get(epoch, index);
    }

    /// <summary>
    /// The epoch in mini-batches: images float32 [B, 1, S, S] and masks int64 [B, S, S] (the last batch may be
    /// smaller). The caller disposes each batch.
    /// </summary>
    public IEnumerable<(Tensor Images, Tensor Masks)> Batches(int epoch, int batchSize, bool shuffle = true)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be at least 1, got {batchSize}");
        var order = shuffle ? Order(epoch) : Enumerable.Range(0, SamplesPerEpoch).ToArray();
        foreach (var chunk in order.Chunk(batchSize))
        {
            Tensor images, masks;
            using (CollectionPause.Enter())
            using (var scope = NewDisposeScope())
            {
                var samples = chunk.Select(i => Get(epoch, i)).ToList();
                images = stack(samples.Select(s => s.Image)).MoveToOuterDisposeScope();
                masks = stack(samples.Select(s => s.Mask)).MoveToOuterDisposeScope();
            }
            yield return (images, masks);
        }
    }
}

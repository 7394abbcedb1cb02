using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// The U shape shared by the networks of Chen, Yao, Zhang 2020 (section II, Fig. 1): <c>Depth</c> encoder levels
/// (a feature block, whose output is kept as the skip, then 2 x 2 max-pooling with stride 2; widths doubling from
/// <c>BaseWidth</c>), a bridge of two 3 x 3 convolutions, <c>Depth</c> <see cref="DecoderBlock"/>s, and a 1 x 1
/// convolution to class logits. What varies comes from the <see cref="Models.Architecture"/>: the encoder's feature
/// block (<see cref="EncoderStages"/>) and what fills the decoder's attention slot (<see cref="DecoderAttention"/>).
/// There is no global average pooling: it would erase the spatial map the segmentation needs (see docs/model.md).
/// </summary>
public sealed class UNetFamilyNetwork : SegmentationNetwork
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> encoder;
    private readonly DoubleConv bridge;
    private readonly ModuleList<DecoderBlock> decoder;
    private readonly Conv2d head;
    private readonly List<string> blockNames = [];
    private readonly Dictionary<string, nn.Module> blocks = [];

    /// <param name="architecture">The table entry whose parts to assemble (its name becomes the module name).</param>
    /// <param name="options">Validated options (see <see cref="ModelOptions.Validate"/>).</param>
    public UNetFamilyNetwork(Architecture architecture, ModelOptions options)
        : base(architecture.Name, options)
    {
        Architecture = architecture;
        int depth = options.Depth;
        encoder = new ModuleList<nn.Module<Tensor, Tensor>>();
        long inWidth = options.InChannels;
        for (int level = 0; level < depth; level++)
        {
            var block = EncoderStages.Create(architecture.Encoder, level, inWidth, options);
            encoder.Add(block);
            Track($"encoder{level}", block);
            inWidth = options.WidthAt(level);
        }
        bridge = new DoubleConv("bridge", inWidth, options.WidthAt(depth), options.Norm);
        Track("bridge", bridge);
        decoder = new ModuleList<DecoderBlock>();
        for (int level = 0; level < depth; level++)
        {
            int encoderLevel = depth - 1 - level;
            var attention = options.AttentionLevels.Contains(level)
                ? DecoderAttention.Create(architecture.Attention, level, checked((int)options.AttentionChannelsAt(level)), options.Attention)
                : null;
            var block = new DecoderBlock($"decoder{level}", options.WidthAt(encoderLevel + 1), options.WidthAt(encoderLevel),
                options.WidthAt(encoderLevel), options.Norm, attention);
            decoder.Add(block);
            Track($"decoder{level}", block);
        }
        head = nn.Conv2d(options.WidthAt(0), options.Classes, 1);
        Track("head", head);
        RegisterComponents();
    }

    /// <summary>The table entry this network was assembled from.</summary>
    public Architecture Architecture { get; }

    /// <summary>Encoder feature blocks, top (full resolution) first.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> EncoderBlocks => encoder.AsReadOnly();

    /// <summary>Decoder blocks, deepest (lowest resolution) first: index = attention level.</summary>
    public IReadOnlyList<DecoderBlock> DecoderBlocks => decoder.AsReadOnly();

    public override IReadOnlyList<string> BlockNames => blockNames;

    public override nn.Module BlockModule(string blockName) =>
        blocks.TryGetValue(blockName, out var m) ? m : throw new CovidSegException($"{Options.Arch} has no block '{blockName}'");

    protected override Tensor ForwardAligned(Tensor input, Action<string, Tensor>? observe)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>(encoder.Count);
        var x = input;
        for (int level = 0; level < encoder.Count; level++)
        {
            x = encoder[level].call(x);
            observe?.Invoke(blockNames[level], x);
            skips.Add(x);
            x = nn.functional.max_pool2d(x, 2, 2);
        }
        x = bridge.call(x);
        observe?.Invoke("bridge", x);
        for (int level = 0; level < decoder.Count; level++)
        {
            x = decoder[level].call(x, skips[^(level + 1)]);
            observe?.Invoke($"decoder{level}", x);
        }
        x = head.call(x);
        observe?.Invoke("head", x);
        return x.MoveToOuterDisposeScope();
    }

    private void Track(string blockName, nn.Module module)
    {
        blockNames.Add(blockName);
        blocks[blockName] = module;
    }
}

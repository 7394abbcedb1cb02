using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>Builds one encoder level of a U-shaped network from its <see cref="EncoderKind"/>.</summary>
public static class EncoderStages
{
    /// <param name="kind">What the level is built from.</param>
    /// <param name="level">Encoder level, 0 = full resolution.</param>
    /// <param name="inWidth">Channels coming in (the image's at level 0).</param>
    /// <param name="options">Validated options: widths, normalisation and the ResNeXt settings.</param>
    public static nn.Module<Tensor, Tensor> Create(EncoderKind kind, int level, long inWidth, ModelOptions options)
    {
        string name = $"encoder{level}";
        long width = options.WidthAt(level);
        return kind switch
        {
            EncoderKind.DoubleConv => new DoubleConv(name, inWidth, width, options.Norm),
            EncoderKind.ResNeXt => new ResNeXtStage(name, inWidth, width, options.ResNeXt.BottleneckWidth(width),
                options.ResNeXt.Cardinality, options.ResNeXt.BlocksPerLevel, options.Norm),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such encoder"),
        };
    }
}

using TorchSharp;

namespace CovidSeg.Models;

/// <summary>
/// Builds the networks compared by Chen, Yao, Zhang 2020 (Table II) by name, after checking the options make sense.
/// </summary>
public static class ModelFactory
{
    /// <summary>Plain U-Net baseline.</summary>
    public const string UNetName = "unet";
    /// <summary>M-A: ResNeXt encoder, no attention.</summary>
    public const string ResNeXtUNetName = "resnext-unet";
    /// <summary>M-R: plain encoder, LSH attention decoder.</summary>
    public const string AttentionUNetName = "attention-unet";
    /// <summary>M: ResNeXt encoder and LSH attention decoder (the default).</summary>
    public const string ResidualAttentionUNet = "res-attention-unet";

    public static IReadOnlyList<string> Names { get; } = [UNetName, ResNeXtUNetName, AttentionUNetName, ResidualAttentionUNet];

    /// <summary>
    /// The network <see cref="ModelOptions.Arch"/> names, initialised from torch's global generator (seed it, or use
    /// the overload with a seed, for reproducible weights).
    /// </summary>
    public static SegmentationNetwork Create(ModelOptions options)
    {
        Validate(options);
        return options.Arch switch
        {
            UNetName => new UNet(options),
            ResNeXtUNetName => new ResNeXtUNet(options),
            AttentionUNetName => new AttentionUNet(options),
            ResidualAttentionUNet => new ResidualAttentionUNet(options),
            _ => throw UnknownArch(options.Arch),
        };
    }

    /// <summary>As <see cref="Create(ModelOptions)"/>, seeding torch's global generator first: same seed, same weights.</summary>
    public static SegmentationNetwork Create(ModelOptions options, long seed)
    {
        torch.random.manual_seed(seed);
        return Create(options);
    }

    public static bool UsesResNeXt(string arch) => arch is ResNeXtUNetName or ResidualAttentionUNet;
    public static bool UsesAttention(string arch) => arch is AttentionUNetName or ResidualAttentionUNet;

    /// <summary>Throws a <see cref="CovidSegException"/> naming the first option that cannot build a network.</summary>
    public static void Validate(ModelOptions options)
    {
        if (!Names.Contains(options.Arch)) throw UnknownArch(options.Arch);
        Require(options.InChannels >= 1, $"input channels must be at least 1, got {options.InChannels}");
        Require(options.Classes >= 1, $"classes must be at least 1, got {options.Classes}");
        Require(options.BaseWidth >= 2 && options.BaseWidth % 2 == 0, $"base width must be an even number of at least 2, got {options.BaseWidth}");
        Require(options.Depth is >= 1 and <= 8, $"depth must be between 1 and 8, got {options.Depth}");
        if (UsesResNeXt(options.Arch))
        {
            Require(options.ResNeXtBlocksPerLevel >= 1, $"ResNeXt blocks per level must be at least 1, got {options.ResNeXtBlocksPerLevel}");
            Require(options.Cardinality >= 1, $"cardinality must be at least 1, got {options.Cardinality}");
            Require(options.BottleneckRatio > 0, $"bottleneck ratio must be positive, got {options.BottleneckRatio}");
            for (int level = 0; level < options.Depth; level++)
            {
                double exact = options.WidthAt(level) * options.BottleneckRatio;
                long width = options.BottleneckWidthAt(level);
                Require(width >= 1 && Math.Abs(exact - width) < 1e-9,
                    $"bottleneck ratio {options.BottleneckRatio} gives a non-integer bottleneck width {exact} at level {level} (width {options.WidthAt(level)})");
                Require(width % options.Cardinality == 0,
                    $"cardinality {options.Cardinality} must divide the bottleneck width {width} of level {level} (base width {options.BaseWidth} x ratio {options.BottleneckRatio}); lower the cardinality or raise the width");
            }
        }
        if (UsesAttention(options.Arch))
        {
            var a = options.Attention;
            Require(a.Heads >= 1 && a.Rounds >= 1 && a.ChunkSize >= 1 && a.Buckets >= 0 && a.Buckets % 2 == 0,
                $"attention needs heads, rounds and chunk size of at least 1 and an even bucket count (0 = automatic); got {a}");
            Require(options.AttentionLevels.Distinct().Count() == options.AttentionLevels.Count,
                $"attention levels must not repeat: {string.Join(",", options.AttentionLevels)}");
            foreach (int level in options.AttentionLevels)
            {
                Require(level >= 0 && level < options.Depth,
                    $"attention level {level} does not exist: decoder levels are 0 (deepest) to {options.Depth - 1}");
                long channels = 2 * options.WidthAt(options.Depth - 1 - level);
                Require(channels % a.Heads == 0, $"{a.Heads} attention heads do not divide the {channels} channels of decoder level {level}");
            }
        }
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw new CovidSegException($"model options: {problem}");
    }

    private static CovidSegException UnknownArch(string arch) =>
        new($"unknown architecture '{arch}'; choose one of: {string.Join(", ", Names)}");
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>Builds the normalisation layer a <see cref="NormKind"/> names.</summary>
public static class Normalization
{
    /// <summary>Upper bound on group-norm groups: our narrow layers (16 channels at the top) cannot afford Wu and He's 32.</summary>
    public const int MaxGroups = 8;

    /// <summary>The layer for <paramref name="channels"/> features, or null for <see cref="NormKind.None"/>.</summary>
    public static nn.Module<Tensor, Tensor>? Create(NormKind kind, long channels) => kind switch
    {
        NormKind.Batch => nn.BatchNorm2d(channels),
        NormKind.Group => InitialisedGroupNorm(channels),
        // Affine like the others; per-image statistics also at inference, so no running estimates.
        NormKind.Instance => nn.InstanceNorm2d(channels, affine: true, track_running_stats: false),
        NormKind.None => null,
        _ => throw new CovidSegException($"unknown normalisation {kind}"),
    };

    /// <summary>
    /// TorchSharp 0.107's GroupNorm leaves its scale and shift uninitialised (we measured values up to 1e35), unlike
    /// PyTorch and its own BatchNorm2d; set them to PyTorch's 1 and 0.
    /// </summary>
    private static GroupNorm InitialisedGroupNorm(long channels)
    {
        var norm = nn.GroupNorm(GroupCount(channels), channels);
        using (no_grad())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }
        return norm;
    }

    /// <summary>The largest group count not above <see cref="MaxGroups"/> that divides <paramref name="channels"/>.</summary>
    public static long GroupCount(long channels)
    {
        long groups = Math.Min(MaxGroups, channels);
        while (channels % groups != 0) groups--;
        return groups;
    }

    /// <summary>Convolutions followed by a normalisation with its own shift need no bias.</summary>
    public static bool ConvolutionNeedsBias(NormKind kind) => kind == NormKind.None;
}

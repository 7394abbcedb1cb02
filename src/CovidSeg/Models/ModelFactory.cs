using TorchSharp;

namespace CovidSeg.Models;

/// <summary>
/// Builds the networks of <see cref="Architectures"/> (Chen, Yao, Zhang 2020, Table II) by name, after checking the
/// options make sense.
/// </summary>
public static class ModelFactory
{
    /// <summary>
    /// The network <see cref="ModelOptions.Arch"/> names, initialised from torch's global generator (seed it, or use
    /// the overload with a seed, for reproducible weights).
    /// </summary>
    public static SegmentationNetwork Create(ModelOptions options)
    {
        options.Validate();
        return new UNetFamilyNetwork(Architectures.Find(options.Arch), options);
    }

    /// <summary>As <see cref="Create(ModelOptions)"/>, seeding torch's global generator first: same seed, same weights.</summary>
    public static SegmentationNetwork Create(ModelOptions options, long seed)
    {
        torch.random.manual_seed(seed);
        return Create(options);
    }
}

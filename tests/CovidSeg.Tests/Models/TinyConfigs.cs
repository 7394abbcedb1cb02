using CovidSeg.Models;

namespace CovidSeg.Tests.Models;

/// <summary>Small option sets the model tests share.</summary>
internal static class TinyConfigs
{
    /// <summary>Width 8 (cardinality 4 so it divides the level-0 bottleneck of 4): fast enough for 369 x 369 in tests.</summary>
    public static ModelOptions Narrow(string arch, int classes = 3) =>
        new() { Arch = arch, Classes = classes, BaseWidth = 8, ResNeXt = new ResNeXtOptions(Cardinality: 4) };

    public static long ParameterCount(TorchSharp.torch.nn.Module module) => module.parameters().Sum(p => p.numel());
}

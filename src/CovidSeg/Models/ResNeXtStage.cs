using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// The feature block of one encoder level in the ResNeXt encoder (Chen, Yao, Zhang 2020, section II-B): a chain of
/// <see cref="ResNeXtBlock"/>s, the first changing the width (1 x 1 projection shortcut), the rest keeping it
/// (identity shortcut). Two blocks per level by default: two 3 x 3 convolutions on the main path, the same receptive
/// field as the plain U-Net's two 3 x 3 convolutions it replaces, and a deeper encoder as the paper intends.
/// </summary>
public sealed class ResNeXtStage : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResNeXtBlock> blocks;

    public ResNeXtStage(string name, long inChannels, long outChannels, long bottleneckWidth, int cardinality,
        int blockCount, NormKind norm) : base(name)
    {
        if (blockCount < 1) throw new CovidSegException($"a ResNeXt stage needs at least one block, got {blockCount}");
        blocks = new ModuleList<ResNeXtBlock>();
        for (int i = 0; i < blockCount; i++)
            blocks.Add(new ResNeXtBlock($"block{i}", i == 0 ? inChannels : outChannels, outChannels, bottleneckWidth, cardinality, norm));
        RegisterComponents();
    }

    public IReadOnlyList<ResNeXtBlock> Blocks => blocks.AsReadOnly();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var block in blocks) x = block.call(x);
        return x.MoveToOuterDisposeScope();
    }
}

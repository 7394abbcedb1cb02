namespace CovidSeg.Models;

/// <summary>What each encoder level of a U-shaped network is built from (see <see cref="EncoderStages"/>).</summary>
public enum EncoderKind
{
    /// <summary>Two 3 x 3 convolutions, as in Ronneberger's U-Net.</summary>
    DoubleConv,

    /// <summary>A stage of ResNeXt blocks (Xie et al. 2017), the paper's residual encoder.</summary>
    ResNeXt,
}

namespace CovidSeg.Models;

/// <summary>
/// Plain U-Net, the paper's baseline (Ronneberger, Fischer, Brox, "U-Net: Convolutional Networks for Biomedical Image Segmentation", MICCAI 2015; as described by Chen, Yao, Zhang 2020, section II-A): two 3 x 3 convolutions per encoder level, no attention.
/// Architecture name <c>unet</c>.
/// </summary>
public sealed class UNet : UNetFamilyNetwork
{
    public UNet(ModelOptions options) : base("unet", options, useResNeXtEncoder: false, useAttention: false) { }
}

namespace CovidSeg.Models;

/// <summary>
/// The paper's ablation M-A, "model without attention" (Chen, Yao, Zhang 2020, Table II): the U-Net with ResNeXt encoder stages (Xie et al., "Aggregated Residual Transformations for Deep Neural Networks", CVPR 2017) and a plain decoder.
/// Architecture name <c>resnext-unet</c>.
/// </summary>
public sealed class ResNeXtUNet : UNetFamilyNetwork
{
    public ResNeXtUNet(ModelOptions options) : base("resnext-unet", options, useResNeXtEncoder: true, useAttention: false) { }
}

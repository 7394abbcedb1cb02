namespace CovidSeg.Models;

/// <summary>
/// The paper's full model M, "Residual Attention U-Net" (Chen, Yao, Zhang 2020, Fig. 1): ResNeXt encoder stages (Xie et al. 2017) and LSH attention (Kitaev et al. 2020) after the concatenation in the chosen decoder blocks.
/// Architecture name <c>res-attention-unet</c>.
/// </summary>
public sealed class ResidualAttentionUNet : UNetFamilyNetwork
{
    public ResidualAttentionUNet(ModelOptions options) : base("res-attention-unet", options, useResNeXtEncoder: true, useAttention: true) { }
}

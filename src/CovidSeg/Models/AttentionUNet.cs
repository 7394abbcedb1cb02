namespace CovidSeg.Models;

/// <summary>
/// The paper's ablation M-R, "model without ResNeXt" (Chen, Yao, Zhang 2020, Table II; close in spirit to Oktay et al., "Attention U-Net", 2018): plain U-Net encoder, LSH attention (Kitaev, Kaiser, Levskaya, "Reformer", ICLR 2020) after the concatenation in the chosen decoder blocks.
/// Architecture name <c>attention-unet</c>.
/// </summary>
public sealed class AttentionUNet : UNetFamilyNetwork
{
    public AttentionUNet(ModelOptions options) : base("attention-unet", options, useResNeXtEncoder: false, useAttention: true) { }
}

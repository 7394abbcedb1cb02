namespace CovidSeg.Models;

/// <summary>One network of the table in <see cref="Architectures"/>: its name, what the paper calls it, and its parts.</summary>
/// <param name="Name">The name users type (<c>--arch</c>) and run.json records.</param>
/// <param name="PaperName">The name in Chen, Yao, Zhang 2020's tables.</param>
/// <param name="Description">One line for help and summaries.</param>
/// <param name="Encoder">What each encoder level is built from.</param>
/// <param name="Attention">What fills the attention slot of the decoder levels listed by <see cref="ModelOptions.AttentionLevels"/>.</param>
/// <param name="Aliases">Older names that still load (a run.json written before a rename).</param>
public sealed record Architecture(
    string Name,
    string PaperName,
    string Description,
    EncoderKind Encoder,
    AttentionKind Attention,
    params string[] Aliases)
{
    public bool UsesResNeXt => Encoder == EncoderKind.ResNeXt;

    public bool UsesAttention => Attention != AttentionKind.None;
}

namespace CovidSeg.Models;

/// <summary>
/// The one table of networks (Chen, Yao, Zhang 2020, Table II): the factory, the summary, the cross-validation
/// tables, the benchmarks and the command-line help all read it. Adding a network is one entry here plus its parts
/// (an <see cref="EncoderKind"/> or <see cref="AttentionKind"/> if new).
/// </summary>
public static class Architectures
{
    /// <summary>Plain U-Net baseline.</summary>
    public const string UNetName = "unet";
    /// <summary>M-A: ResNeXt encoder, no attention.</summary>
    public const string ResNeXtUNetName = "resnext-unet";
    /// <summary>M-R: plain encoder, LSH attention decoder.</summary>
    public const string LshAttentionUNetName = "lsh-attention-unet";
    /// <summary>M: ResNeXt encoder and LSH attention decoder (the default).</summary>
    public const string ResidualAttentionUNetName = "res-attention-unet";

    public static IReadOnlyList<Architecture> All { get; } =
    [
        new(UNetName, "U-Net", "plain U-Net (Ronneberger et al. 2015), the paper's baseline",
            EncoderKind.DoubleConv, AttentionKind.None),
        new(ResNeXtUNetName, "M - A (no attention)", "ResNeXt encoder, plain decoder: the paper's ablation M-A",
            EncoderKind.ResNeXt, AttentionKind.None),
        // "attention-unet" alone means Oktay's gated U-Net in MONAI and most papers; this one attends with LSH.
        new(LshAttentionUNetName, "M - R (no ResNeXt)", "plain encoder, LSH attention in the decoder: the paper's ablation M-R",
            EncoderKind.DoubleConv, AttentionKind.Lsh, "attention-unet"),
        new(ResidualAttentionUNetName, "Ours (M)", "ResNeXt encoder and LSH attention in the decoder: the paper's full model M",
            EncoderKind.ResNeXt, AttentionKind.Lsh),
    ];

    /// <summary>Current names, in the table's order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(a => a.Name).ToArray();

    public static Architecture Default => Find(ResidualAttentionUNetName);

    /// <summary>The entry named <paramref name="name"/> or one of its aliases, or null.</summary>
    public static Architecture? TryFind(string name) =>
        All.FirstOrDefault(a => a.Name == name || a.Aliases.Contains(name));

    /// <summary>The entry named <paramref name="name"/> or one of its aliases; a named error listing the others if none.</summary>
    public static Architecture Find(string name) =>
        TryFind(name) ?? throw new CovidSegException($"unknown architecture '{name}'; choose one of: {string.Join(", ", Names)}");

    /// <summary>The current name for <paramref name="name"/> (an alias becomes its entry's name); unknown names stay as given.</summary>
    public static string Canonical(string name) => TryFind(name)?.Name ?? name;

    /// <summary>The names for help texts, each old name after the current one: "lsh-attention-unet (or attention-unet)".</summary>
    public static string Listing() =>
        string.Join(", ", All.Select(a => a.Aliases.Length == 0 ? a.Name : $"{a.Name} (or {string.Join(", ", a.Aliases)})"));

    /// <summary>The paper's name for <paramref name="name"/>, or the name itself when the paper has none.</summary>
    public static string PaperName(string name) => TryFind(name)?.PaperName ?? name;
}

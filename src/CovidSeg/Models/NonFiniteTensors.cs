using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Models;

/// <summary>
/// Finds NaN or Inf in a network's weights, buffers (batch-norm statistics) or gradients, so training never saves
/// or steps with poisoned numbers and inference never runs them. One reduction and one sync for the whole network;
/// the names are looked up only when something is wrong.
/// </summary>
public static class NonFiniteTensors
{
    /// <summary>The name of the first parameter or floating-point buffer holding NaN or Inf, or null when all are finite.</summary>
    public static string? FirstInWeights(nn.Module module) =>
        FirstNonFinite(module.named_parameters().Select(p => (p.name, (Tensor?)p.parameter))
            .Concat(module.named_buffers().Select(b => (b.name, (Tensor?)b.buffer))));

    /// <summary>The name of the first parameter whose gradient holds NaN or Inf, or null when all are finite.</summary>
    public static string? FirstInGradients(nn.Module module) =>
        FirstNonFinite(module.named_parameters().Select(p => (p.name, p.parameter.grad)));

    private static string? FirstNonFinite(IEnumerable<(string Name, Tensor? Value)> tensors)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var floating = tensors.Where(t => t.Value is { } v && v.is_floating_point()).ToList();
        if (floating.Count == 0) return null;
        var finite = floating.Select(t => t.Value!.isfinite().all()).ToArray();
        if (torch.stack(finite).all().item<bool>()) return null;
        for (int i = 0; i < floating.Count; i++)
            if (!finite[i].item<bool>()) return floating[i].Name;
        return null;
    }
}

using System.Text.Json.Nodes;

namespace CovidSeg.Runs;

/// <summary>
/// Brings a run.json written by an older CovidSeg up to <see cref="RunManifest.CurrentFormat"/> before it is read, so
/// every trained run keeps loading. Each step names the format it upgrades from.
/// </summary>
internal static class RunManifestUpgrade
{
    public const string Format1 = "covidseg-run/1";

    /// <summary>Upgrades <paramref name="root"/> in place; formats it does not know are left for the caller to refuse.</summary>
    public static void Apply(JsonObject root)
    {
        if ((string?)root["format"] != Format1) return;
        // Format 1 kept the ResNeXt settings flat in "model"; format 2 nests them under "model.resnext".
        if (root["model"] is JsonObject model)
        {
            var resnext = new JsonObject();
            Move(model, "cardinality", resnext, "cardinality");
            Move(model, "bottleneck_ratio", resnext, "bottleneck_ratio");
            Move(model, "res_ne_xt_blocks_per_level", resnext, "blocks_per_level");
            model["resnext"] = resnext;
        }
        root["format"] = RunManifest.CurrentFormat;
    }

    private static void Move(JsonObject from, string name, JsonObject to, string newName)
    {
        if (!from.Remove(name, out var value)) return;
        to[newName] = value;
    }
}

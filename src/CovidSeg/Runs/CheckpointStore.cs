using CovidSeg.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace CovidSeg.Runs;

/// <summary>
/// Saves and loads the tensors of a run: RUN_DIR/checkpoints/NAME/{model.bin, optimizer.bin, rng.bin}. A checkpoint
/// folder is written completely under a temporary name and renamed into place before run.json names it, so a kill at
/// any moment leaves either the previous or the new checkpoint, never a mix.
/// </summary>
public static class CheckpointStore
{
    public const string ModelFile = "model.bin";
    public const string OptimizerFile = "optimizer.bin";
    public const string RngFile = "rng.bin";
    /// <summary>The running weight average of a run that averages its last epochs, kept with the state it belongs to.</summary>
    public const string AveragedFile = "averaged.bin";

    /// <summary>Writes a checkpoint folder and returns its path relative to the run folder.</summary>
    /// <param name="averaged">The running weight average to keep beside the weights, or null.</param>
    public static string Save(string runDirectory, string name, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, nn.Module? averaged = null)
    {
        string relative = Path.Combine("checkpoints", name);
        string final = Path.Combine(runDirectory, relative);
        string partial = final + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        model.save(Path.Combine(partial, ModelFile));
        optimizer?.save_state_dict(Path.Combine(partial, OptimizerFile));
        averaged?.save(Path.Combine(partial, AveragedFile));
        using (var rng = torch.random.get_rng_state())
            File.WriteAllBytes(Path.Combine(partial, RngFile), rng.data<byte>().ToArray());
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(partial, final);
        return relative;
    }

    /// <summary>Loads weights into a network built from the run's options; a clear error when they do not fit.</summary>
    public static void LoadModel(string runDirectory, string checkpoint, nn.Module model) =>
        LoadWeights(Path.Combine(runDirectory, checkpoint, ModelFile), model, "checkpoint weights are missing",
            "weights do not fit this network (another architecture or options, or a corrupt file)");

    /// <summary>Loads the running weight average saved with a checkpoint; resuming without it would average other epochs.</summary>
    public static void LoadAveraged(string runDirectory, string checkpoint, nn.Module averaged) =>
        LoadWeights(Path.Combine(runDirectory, checkpoint, AveragedFile), averaged, "the running weight average is missing; cannot resume exactly",
            "the running weight average does not fit this network");

    private static void LoadWeights(string path, nn.Module module, string missing, string misfit)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, missing);
        try
        {
            module.load(path, strict: true);
        }
        catch (Exception e) when (e is not CovidSegException)
        {
            throw new InvalidInputException(path, $"{misfit}: {FirstLine(e.Message)}");
        }
    }

    public static void LoadOptimizerAndRng(string runDirectory, string checkpoint, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        string dir = Path.Combine(runDirectory, checkpoint);
        string opt = Path.Combine(dir, OptimizerFile);
        if (!File.Exists(opt)) throw new InvalidInputException(opt, "optimizer state is missing; cannot resume exactly");
        try
        {
            optimizer.load_state_dict(opt);
        }
        catch (Exception e) when (e is not CovidSegException)
        {
            throw new InvalidInputException(opt, $"optimizer state does not fit this network: {FirstLine(e.Message)}");
        }
        string rng = Path.Combine(dir, RngFile);
        // Without the random state the resumed run would draw other numbers than an uninterrupted one: refuse.
        if (!File.Exists(rng)) throw new InvalidInputException(rng, "random-number state is missing; cannot resume exactly");
        byte[] bytes = File.ReadAllBytes(rng);
        RngStateFile.Check(rng, bytes);
        using var state = torch.tensor(bytes, dtype: ScalarType.Byte);
        torch.random.set_rng_state(state);
    }

    /// <summary>Deletes checkpoint folders that run.json no longer names.</summary>
    public static void Prune(string runDirectory, params string?[] keep)
    {
        string root = Path.Combine(runDirectory, "checkpoints");
        if (!Directory.Exists(root)) return;
        var kept = keep.Where(k => k is not null).Select(k => Path.GetFullPath(Path.Combine(runDirectory, k!))).ToHashSet();
        foreach (var dir in Directory.GetDirectories(root))
            if (!kept.Contains(Path.GetFullPath(dir))) Directory.Delete(dir, recursive: true);
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
